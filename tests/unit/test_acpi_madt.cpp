#include "hv/core/acpi/madt.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

namespace {

// A fake physical memory of 64 KiB holding synthetic ACPI tables.
struct FakeMemory {
    std::vector<u8> bytes = std::vector<u8>(0x10000, 0);

    static bool read(void* ctx, u64 pa, void* dst, usize len) {
        auto* m = static_cast<FakeMemory*>(ctx);
        if (pa + len > m->bytes.size() || pa + len < pa) return false;
        std::memcpy(dst, m->bytes.data() + pa, len);
        return true;
    }
    void put(u64 pa, const std::vector<u8>& v) {
        std::memcpy(bytes.data() + pa, v.data(), v.size());
    }
};

void fix_checksum(std::vector<u8>& t, usize at, usize len) {
    t[at] = 0;
    u8 s = 0;
    for (usize i = 0; i < len; i++)
        s = static_cast<u8>(s + t[i]);
    t[at] = static_cast<u8>(-s);
}

std::vector<u8> sdt(const char sig[4], std::vector<u8> body) {
    std::vector<u8> t(36, 0);
    std::memcpy(t.data(), sig, 4);
    t.insert(t.end(), body.begin(), body.end());
    u32 len = static_cast<u32>(t.size());
    std::memcpy(t.data() + 4, &len, 4);
    fix_checksum(t, 9, t.size());
    return t;
}

std::vector<u8> le32(u32 v) {
    return {u8(v), u8(v >> 8), u8(v >> 16), u8(v >> 24)};
}

std::vector<u8> madt(std::vector<std::vector<u8>> records) {
    std::vector<u8> body = le32(0xFEE00000);
    auto flags = le32(1);
    body.insert(body.end(), flags.begin(), flags.end());
    for (auto& r : records)
        body.insert(body.end(), r.begin(), r.end());
    return sdt("APIC", body);
}

std::vector<u8> lapic(u8 uid, u8 apic_id, u32 flags) {
    std::vector<u8> r = {0, 8, uid, apic_id};
    auto f = le32(flags);
    r.insert(r.end(), f.begin(), f.end());
    return r;
}

// RSDP at 0xE000 -> RSDT at 0x1000 -> MADT at 0x2000.
FakeMemory machine(const std::vector<u8>& madt_table) {
    FakeMemory m;
    std::vector<u8> rsdp(20, 0);
    std::memcpy(rsdp.data(), "RSD PTR ", 8);
    auto rsdt_addr = le32(0x1000);
    std::memcpy(rsdp.data() + 16, rsdt_addr.data(), 4);
    fix_checksum(rsdp, 8, 20);
    m.put(0xE000, rsdp);
    m.put(0x1000, sdt("RSDT", le32(0x2000)));
    m.put(0x2000, madt_table);
    return m;
}

} // namespace

TEST_CASE("ACPI: enabled processors are listed from the MADT", "[acpi]") {
    FakeMemory m = machine(madt({lapic(0, 0, 1), lapic(1, 1, 1), lapic(2, 5, 0), lapic(3, 7, 2)}));
    auto rsdp = acpi::find_rsdp(FakeMemory::read, &m, 0xE000 - 0x100, 0x10000);
    REQUIRE(rsdp.ok());
    CHECK(*rsdp == 0xE000);
    auto cpus = acpi::read_cpus(FakeMemory::read, &m, *rsdp);
    REQUIRE(cpus.ok());
    REQUIRE(cpus->count == 3); // APIC id 5 is disabled and not online-capable
    CHECK(cpus->apic_ids[0] == 0);
    CHECK(cpus->apic_ids[1] == 1);
    CHECK(cpus->apic_ids[2] == 7);
    CHECK(cpus->lapic_address == 0xFEE00000);
}

TEST_CASE("ACPI: a corrupted checksum or record length is refused", "[acpi]") {
    auto table = madt({lapic(0, 0, 1)});
    table[40] ^= 1; // body byte changed, checksum no longer sums to zero
    FakeMemory m = machine(table);
    CHECK(acpi::read_cpus(FakeMemory::read, &m, 0xE000).error() == XEN_EINVAL);

    auto bad_len = madt({{0, 1, 0, 0, 0, 0, 0, 0}}); // record length 1
    FakeMemory m2 = machine(bad_len);
    CHECK(acpi::read_cpus(FakeMemory::read, &m2, 0xE000).error() == XEN_EINVAL);
}

TEST_CASE("ACPI: no RSDP, or no MADT, is reported", "[acpi]") {
    FakeMemory empty;
    CHECK(acpi::find_rsdp(FakeMemory::read, &empty, 0, 0x10000).error() == XEN_ENOENT);
    FakeMemory m = machine(sdt("FACP", {}));
    CHECK(acpi::read_cpus(FakeMemory::read, &m, 0xE000).error() == XEN_ENOENT);
}
