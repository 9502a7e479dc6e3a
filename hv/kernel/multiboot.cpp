#include "hv/kernel/multiboot.hpp"

#include "hv/arch/x86_64/paging.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"

namespace mb {

namespace {
// The boot loader's strings sit in memory the frame allocator will hand out,
// so they are copied here first.
constexpr usize kMaxString = 1024;
char g_hv_cmdline[kMaxString];
char g_module_cmdlines[kMaxModules][kMaxString];

const char* keep_string(u32 phys, char* dst) {
    if (!phys) return "";
    copy_string(dst, kMaxString, arch::phys_to_virt<const char>(phys));
    return dst;
}
} // namespace

void parse(u64 mbi_phys, BootInfo& out) {
    auto* info = arch::phys_to_virt<const Info>(mbi_phys);
    if (info->flags & kInfoCmdline) out.cmdline = keep_string(info->cmdline, g_hv_cmdline);

    if (!(info->flags & kInfoMmap)) panic("boot loader gave no memory map");
    u64 off = 0;
    while (off + sizeof(MmapEntry) <= info->mmap_length) {
        auto* e = arch::phys_to_virt<const MmapEntry>(info->mmap_addr + off);
        LOG_DEBUG("mmap %016lx-%016lx type %u", e->addr, e->addr + e->len, e->type);
        if (e->type == 1 && e->len && out.nr_ram < kMaxRamRanges) {
            out.ram[out.nr_ram++] = {e->addr, e->addr + e->len};
            if (e->addr + e->len > out.top_of_ram) out.top_of_ram = e->addr + e->len;
        }
        off += e->size + sizeof(e->size);
    }

    if (info->flags & kInfoModules) {
        if (info->mods_count > kMaxModules) panic("too many boot modules (%u)", info->mods_count);
        auto* mods = arch::phys_to_virt<const Module>(info->mods_addr);
        for (u32 i = 0; i < info->mods_count; i++) {
            out.modules[i] = {mods[i].mod_start, mods[i].mod_end,
                              keep_string(mods[i].string, g_module_cmdlines[i])};
        }
        out.nr_modules = info->mods_count;
    }
}

} // namespace mb
