#include "hv/core/acpi/madt.hpp"

#include "hv/lib/string.hpp"

namespace acpi {

namespace {

struct Rsdp {
    char signature[8]; // "RSD PTR "
    u8 checksum;
    char oem[6];
    u8 revision;
    u32 rsdt;
    u32 length; // revision >= 2
    u64 xsdt;
    u8 ext_checksum;
    u8 reserved[3];
} __attribute__((packed));
static_assert(sizeof(Rsdp) == 36);

struct SdtHeader {
    char signature[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem[6];
    char oem_table[8];
    u32 oem_revision;
    u32 creator;
    u32 creator_revision;
} __attribute__((packed));
static_assert(sizeof(SdtHeader) == 36);

constexpr u32 kMaxTableLength = 64 * 1024;

u8 sum(const u8* p, usize n) {
    u8 s = 0;
    for (usize i = 0; i < n; i++)
        s = static_cast<u8>(s + p[i]);
    return s;
}

// Reads a whole table (header and body) into buf, checking length and sum.
Result<u32> read_table(PhysReader read, void* ctx, u64 pa, u8* buf, usize cap) {
    SdtHeader h;
    if (!read(ctx, pa, &h, sizeof h)) return XEN_EFAULT;
    if (h.length < sizeof h || h.length > cap) return XEN_EINVAL;
    if (!read(ctx, pa, buf, h.length)) return XEN_EFAULT;
    if (sum(buf, h.length) != 0) return XEN_EINVAL;
    return h.length;
}

u8 g_table_buf[kMaxTableLength]; // boot-time only, single-threaded

} // namespace

Result<u64> find_rsdp(PhysReader read, void* ctx, u64 start, u64 end) {
    for (u64 pa = (start + 15) & ~15ull; pa + sizeof(Rsdp) <= end; pa += 16) {
        Rsdp r;
        if (!read(ctx, pa, &r, sizeof r)) continue;
        if (memcmp(r.signature, "RSD PTR ", 8) != 0) continue;
        if (sum(reinterpret_cast<const u8*>(&r), 20) != 0) continue;
        return pa;
    }
    return XEN_ENOENT;
}

Result<CpuList> read_cpus(PhysReader read, void* ctx, u64 rsdp_pa) {
    Rsdp r;
    if (!read(ctx, rsdp_pa, &r, sizeof r)) return XEN_EFAULT;
    bool use_xsdt =
        r.revision >= 2 && r.xsdt && sum(reinterpret_cast<const u8*>(&r), sizeof r) == 0;
    u64 root = use_xsdt ? r.xsdt : r.rsdt;
    unsigned entry_size = use_xsdt ? 8 : 4;

    // Copy the root's entry list out: the shared buffer is reused below.
    constexpr unsigned kMaxEntries = 64;
    u64 entries[kMaxEntries];
    auto root_len = read_table(read, ctx, root, g_table_buf, sizeof g_table_buf);
    if (!root_len.ok()) return root_len.error();
    unsigned n = (*root_len - sizeof(SdtHeader)) / entry_size;
    if (n > kMaxEntries) n = kMaxEntries;
    for (unsigned i = 0; i < n; i++) {
        u64 e = 0;
        memcpy(&e, g_table_buf + sizeof(SdtHeader) + i * entry_size, entry_size);
        entries[i] = e;
    }

    for (unsigned i = 0; i < n; i++) {
        SdtHeader h;
        if (!read(ctx, entries[i], &h, sizeof h) || memcmp(h.signature, "APIC", 4) != 0) continue;
        auto len = read_table(read, ctx, entries[i], g_table_buf, sizeof g_table_buf);
        if (!len.ok()) return len.error();
        CpuList out;
        u32 lapic32;
        memcpy(&lapic32, g_table_buf + sizeof(SdtHeader), 4);
        out.lapic_address = lapic32;
        // Interrupt controller structures follow the 8 bytes of MADT fields.
        u32 off = sizeof(SdtHeader) + 8;
        while (off + 2 <= *len) {
            u8 type = g_table_buf[off], rec_len = g_table_buf[off + 1];
            if (rec_len < 2 || off + rec_len > *len) return XEN_EINVAL;
            const u8* rec = g_table_buf + off;
            u32 apic_id = 0, flags = 0;
            bool cpu = false;
            if (type == 0 && rec_len >= 8) { // processor local APIC
                apic_id = rec[3];
                memcpy(&flags, rec + 4, 4);
                cpu = true;
            } else if (type == 9 && rec_len >= 16) { // processor local x2APIC
                memcpy(&apic_id, rec + 4, 4);
                memcpy(&flags, rec + 8, 4);
                cpu = true;
            } else if (type == 5 && rec_len >= 12) { // local APIC address override
                memcpy(&out.lapic_address, rec + 4, 8);
            }
            // Bit 0: enabled; bit 1: online capable (can be brought up).
            if (cpu && (flags & 3) && out.count < kMaxCpus) out.apic_ids[out.count++] = apic_id;
            off += rec_len;
        }
        return out;
    }
    return XEN_ENOENT;
}

} // namespace acpi
