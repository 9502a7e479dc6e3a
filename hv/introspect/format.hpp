// The introspection root: what the hypervisor publishes about where its
// state lives, for host tools that read guest RAM through QEMU's shared
// memory backend (introspect/FORMAT.md is the prose version, with the
// version log). Plain types only: this header is compiled into the
// hypervisor and into the host library alike.
//
// The host never calls into the hypervisor: it finds this root (from
// hv.elf's symbol table, or by scanning page starts for the magic and
// checking self_phys and the checksum), then reads the frame table, the
// domain registry and the structures the field table describes. Layouts
// are described by name, offset and size, so the host never depends on the
// compiled C++ layout of Domain or Vcpu; only Root, FieldDesc and
// FrameInfo (hv/core/mm/frame_table.hpp) are fixed by the version number.
#pragma once

#include "hv/lib/types.hpp"

namespace introspect_abi {

constexpr u64 kRootMagic = 0x544f4f5248534c47ull; // "GLSHROOT", little-endian
// Version log in introspect/FORMAT.md. Bump on any change to Root,
// FieldDesc or FrameInfo, or to the meaning of a published field name.
constexpr u32 kVersion = 1;

constexpr unsigned kMaxRamRanges = 32;
constexpr unsigned kMaxFields = 160;
constexpr unsigned kFieldNameLen = 40;

// One described field: "Struct.field" -> offset and size in bytes. Also
// used for constants: "sizeof.Domain" (size), "enum.DomainState.running"
// (offset = the value), "const.kMaxVcpus" (offset = the value).
struct FieldDesc {
    char name[kFieldNameLen]; // NUL-terminated
    u32 offset;
    u32 size;
};
static_assert(sizeof(FieldDesc) == 48);

struct RamRange {
    u64 start, end; // [start, end) machine addresses, usable RAM
};

// The root. Everything before `generation` is written once at boot and
// covered by `checksum`; magic is written last, so a reader never takes a
// half-filled root for a real one.
struct Root {
    u64 magic;     // kRootMagic once the root is filled
    u32 version;   // kVersion
    u32 root_size; // sizeof(Root)
    u64 self_phys; // machine address of this root: rules out stale copies
    u64 checksum;  // root_checksum() of the static part

    // Hypervisor virtual -> machine translation for pointers in its data.
    u64 direct_map_virt;   // direct map: machine address + this
    u64 image_virt_offset; // hypervisor image: machine address + this

    // Machine memory (usable RAM ranges from the boot loader's map).
    u32 nr_ram_ranges;
    u32 pad0;
    RamRange ram[kMaxRamRanges];

    // The frame table: nr_frames FrameInfo records, machine-contiguous.
    u64 frame_table_phys;
    u64 nr_frames;
    u32 frame_info_size; // 16
    u32 pad1;
    // Machine-to-phys table: nr_frames u64 entries, machine-contiguous.
    u64 m2p_phys;

    // Domain registry: max_domains hypervisor virtual pointers (0 = no
    // domain), indexed by domain id.
    u64 domain_registry_phys;
    u32 max_domains;
    u32 pad2;

    // The hypervisor lock's ticket words (u32 next at +0, u32 serving at +4):
    // all hypervisor state changes happen while it is held, so a read that
    // starts and ends with the lock free and `next` unchanged saw no change.
    u64 hv_lock_phys;

    u32 nr_fields;
    u32 pad3;
    FieldDesc fields[kMaxFields];

    // ---- dynamic part, not covered by the checksum ----
    // Bumped (odd while changing, even when done) around every domain
    // creation and destruction: a reader that sees it odd or changed
    // across a read retries.
    u64 generation;
};

// FNV-1a 64 over the static part (bytes before `generation`), with the
// magic and checksum fields taken as zero (both are written after it).
inline u64 root_checksum(const Root& r) {
    const auto* p = reinterpret_cast<const u8*>(&r);
    u64 h = 0xcbf29ce484222325ull;
    for (usize i = 0; i < __builtin_offsetof(Root, generation); i++) {
        bool skipped = i < 8 || (i >= __builtin_offsetof(Root, checksum) &&
                                 i < __builtin_offsetof(Root, checksum) + 8);
        h ^= skipped ? 0 : p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static_assert(__builtin_offsetof(Root, self_phys) == 16);
static_assert(__builtin_offsetof(Root, ram) == 56);
static_assert(__builtin_offsetof(Root, frame_table_phys) == 568);
static_assert(__builtin_offsetof(Root, fields) == 632);
static_assert(__builtin_offsetof(Root, generation) == 632 + kMaxFields * 48);

} // namespace introspect_abi
