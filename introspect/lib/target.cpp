#include "introspect/lib/target.hpp"

#include "introspect/lib/elf_symbol.hpp"

#include "hv/arch/x86_64/layout.hpp"
#include "hv/core/mm/frame_table.hpp"

#include <cstddef>
#include <cstdio>

namespace glass {
namespace {

using introspect_abi::Root;

std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
    return buf;
}

// Why the root at `pa` is not a usable root, or "" when it is.
std::string check_root(const MachineMemory& mem, u64 pa, Root& out) {
    if (!mem.read(pa, &out, sizeof out)) return "root address " + hex(pa) + " is outside RAM";
    if (out.magic != introspect_abi::kRootMagic)
        return "no introspection root at " + hex(pa) + " (hypervisor not started yet?)";
    if (out.version != introspect_abi::kVersion)
        return "introspection format version " + std::to_string(out.version) +
               ", this tool reads version " + std::to_string(introspect_abi::kVersion);
    if (out.root_size != sizeof(Root) || out.self_phys != pa)
        return "stale introspection root copy at " + hex(pa);
    if (introspect_abi::root_checksum(out) != out.checksum)
        return "introspection root at " + hex(pa) + " fails its checksum";
    if (out.frame_info_size != sizeof(mm::FrameInfo) || out.nr_fields > introspect_abi::kMaxFields)
        return "introspection root at " + hex(pa) + " has impossible sizes";
    return "";
}

// QEMU places RAM above the PCI hole at 4 GiB, after the low part in the
// backend file; the boot map says how much lies up there.
u64 low_size_for(const MachineMemory& mem, const Root& r) {
    u64 high_end = 0;
    for (u32 i = 0; i < r.nr_ram_ranges && i < introspect_abi::kMaxRamRanges; i++)
        if (r.ram[i].end > MachineMemory::kHighBase && r.ram[i].end > high_end)
            high_end = r.ram[i].end;
    if (!high_end) return mem.size();
    u64 high = high_end - MachineMemory::kHighBase;
    return high < mem.size() ? mem.size() - high : 0;
}

} // namespace

Outcome<Target> Target::attach(MachineMemory mem, std::optional<u64> root_phys) {
    Target t;
    t.mem_ = mem;
    if (root_phys) {
        std::string why = check_root(mem, *root_phys, t.root_);
        if (!why.empty()) return Outcome<Target>::failure(why);
        t.root_phys_ = *root_phys;
    } else {
        // The root is page-aligned in the hypervisor image, below 4 GiB.
        bool found = false;
        for (u64 pa = 0; pa + sizeof(Root) <= mem.low_size() && !found; pa += kPageSize) {
            u64 magic = 0;
            if (!mem.load(pa, magic) || magic != introspect_abi::kRootMagic) continue;
            found = check_root(mem, pa, t.root_).empty();
            if (found) t.root_phys_ = pa;
        }
        if (!found)
            return Outcome<Target>::failure(
                "no introspection root in guest RAM (hypervisor not started yet, or not "
                "Glasshouse)");
    }
    t.mem_.set_low_size(low_size_for(mem, t.root_));
    auto layout = Layout::from(t.root_.fields, t.root_.nr_fields);
    if (!layout.ok()) return Outcome<Target>::failure(layout.error());
    t.layout_ = *layout;
    return t;
}

Outcome<Target> Target::open(const std::string& mem_path, const std::string& hv_elf) {
    auto file = MappedFile::open(mem_path);
    if (!file.ok()) return Outcome<Target>::failure(file.error());
    std::optional<u64> root_phys;
    if (!hv_elf.empty()) {
        auto sym = find_elf_symbol(hv_elf, "glass_introspection_root");
        if (!sym.ok()) return Outcome<Target>::failure(sym.error());
        root_phys = *sym - HV_IMAGE_VIRT_OFFSET;
    }
    MachineMemory mem((*file)->data(), (*file)->size(), (*file)->size());
    auto t = attach(mem, root_phys);
    if (!t.ok()) return t;
    t->file_ = *file;
    return t;
}

u64 Target::hv_phys(u64 va) const {
    if (va >= root_.image_virt_offset && va < root_.image_virt_offset + (1ull << 30))
        return va - root_.image_virt_offset;
    if (va >= root_.direct_map_virt && va - root_.direct_map_virt < (1ull << 40) * 5)
        return va - root_.direct_map_virt;
    return 0;
}

u64 Target::generation() const {
    u64 g = 0;
    (void)mem_.load(root_phys_ + offsetof(Root, generation), g);
    return g;
}

u32 Target::lock_next() const {
    u32 next = 0;
    (void)mem_.load(root_.hv_lock_phys, next);
    return next;
}

bool Target::lock_free(u32& next) const {
    // serving first: if it still equals next afterwards, the lock was free
    // at the moment next was read.
    u32 serving = 0;
    (void)mem_.load(root_.hv_lock_phys + 4, serving);
    next = lock_next();
    return next == serving;
}

bool Target::wait_quiet(u32& next, u64& gen) const {
    for (unsigned spin = 0; spin < 20000; spin++) {
        gen = generation();
        if (lock_free(next) && (gen & 1) == 0) return true;
        __builtin_ia32_pause();
    }
    return false;
}

} // namespace glass
