// Multiboot 1 boot information (Multiboot spec 0.6.96 §3.3), as QEMU's
// -kernel/-append/-initrd fill it. Addresses are physical.
#pragma once

#include "hv/lib/types.hpp"

namespace mb {

constexpr u32 kBootloaderMagic = 0x2BADB002;
constexpr u32 kInfoMemory = 1u << 0;
constexpr u32 kInfoCmdline = 1u << 2;
constexpr u32 kInfoModules = 1u << 3;
constexpr u32 kInfoMmap = 1u << 6;

struct Info {
    u32 flags;
    u32 mem_lower, mem_upper;
    u32 boot_device;
    u32 cmdline;
    u32 mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
} __attribute__((packed));

struct Module {
    u32 mod_start, mod_end;
    u32 string; // "file args" as given to -initrd
    u32 reserved;
} __attribute__((packed));

struct MmapEntry {
    u32 size; // of the rest of the entry
    u64 addr, len;
    u32 type; // 1 = available RAM
} __attribute__((packed));

constexpr unsigned kMaxModules = 16;
constexpr unsigned kMaxRamRanges = 32;

struct Range {
    u64 start, end; // [start, end) physical
};

struct BootModule {
    u64 start, end;
    const char* cmdline; // file name followed by its arguments
};

// What the rest of the hypervisor needs from the boot loader, copied out of
// low memory so the identity map can go away.
struct BootInfo {
    const char* cmdline = "";
    Range ram[kMaxRamRanges];
    unsigned nr_ram = 0;
    BootModule modules[kMaxModules];
    unsigned nr_modules = 0;
    u64 top_of_ram = 0;
};

// The boot information hv_main parsed (modules stay where the loader put
// them; their frames are never handed out).
const BootInfo& boot_info();

// Parses the Multiboot information at physical mbi (reachable through
// phys_to_virt). Panics on a malformed structure from the boot loader.
void parse(u64 mbi, BootInfo& out);

} // namespace mb
