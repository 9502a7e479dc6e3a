// Grant tables (public/grant_table.h, docs/pv-abi.md §3.3 and §3.4.13): a
// domain writes entries into frames it shares with the hypervisor, each
// allowing one other domain to map or copy one of its frames. The
// hypervisor reads the entries when a grant is used and sets GTF_reading /
// GTF_writing while it is mapped, so the granter knows when it may revoke.
//
// Every operation takes an array of its argument struct and a count; the
// hypercall returns 0 when the array was processed and reports each entry's
// outcome in its `status` field (GNTST_*), except where noted.
#pragma once

#include "hv/lib/types.hpp"

#include <cstddef>

namespace xen {

enum GnttabOp : unsigned {
    GNTTABOP_map_grant_ref = 0,
    GNTTABOP_unmap_grant_ref = 1,
    GNTTABOP_setup_table = 2,
    GNTTABOP_dump_table = 3,
    GNTTABOP_transfer = 4,
    GNTTABOP_copy = 5,
    GNTTABOP_query_size = 6,
    GNTTABOP_unmap_and_replace = 7,
    GNTTABOP_set_version = 8,
    GNTTABOP_get_status_frames = 9,
    GNTTABOP_get_version = 10,
    GNTTABOP_swap_grant_ref = 11,
    GNTTABOP_cache_flush = 12,
};
// The command is the low 12 bits; cache_flush alone may carry an opaque
// continuation argument above them.
constexpr unsigned GNTTABOP_CMD_MASK = (1u << 12) - 1;

// Per-entry results. [[nodiscard]]: a status that is computed must be
// reported to the guest.
enum [[nodiscard]] Gntst : i16{
    GNTST_okay = 0,          GNTST_general_error = -1,   GNTST_bad_domain = -2,
    GNTST_bad_gntref = -3,   GNTST_bad_handle = -4,      GNTST_bad_virt_addr = -5,
    GNTST_bad_dev_addr = -6, GNTST_no_device_space = -7, GNTST_permission_denied = -8,
    GNTST_bad_page = -9,     GNTST_bad_copy_arg = -10,   GNTST_address_too_big = -11,
    GNTST_eagain = -12,      GNTST_no_space = -13,
};

// --- Grant entries (in the shared frames) ------------------------------------
// flags: type in bits 0-1, then modifiers. GTF_reading/GTF_writing are
// written by the hypervisor (v1: in the entry; v2: in the status frames).
constexpr u16 GTF_invalid = 0;
constexpr u16 GTF_permit_access = 1;
constexpr u16 GTF_accept_transfer = 2;
constexpr u16 GTF_transitive = 3;
constexpr u16 GTF_type_mask = 3;
constexpr u16 GTF_readonly = 1u << 2;
constexpr u16 GTF_reading = 1u << 3;
constexpr u16 GTF_writing = 1u << 4;
constexpr u16 GTF_sub_page = 1u << 8;

// Version 1: 512 per frame; `frame` is the GFN (= MFN for PV guests).
struct GrantEntryV1 {
    u16 flags;
    u16 domid; // the domain allowed to use the grant
    u32 frame;
};
static_assert(sizeof(GrantEntryV1) == 8);
static_assert(offsetof(GrantEntryV1, domid) == 2);
static_assert(offsetof(GrantEntryV1, frame) == 4);

// Version 2: 256 per frame; flags without GTF_reading/writing, which live in
// separate status frames (one u16 per grant) the guest maps read-only.
struct GrantEntryV2 {
    u16 flags;
    u16 domid;
    u32 pad0;
    u64 frame; // full_page.frame; sub_page and transitive forms unsupported
};
static_assert(sizeof(GrantEntryV2) == 16);
static_assert(offsetof(GrantEntryV2, frame) == 8);

// Grants 0..7 are reserved for the toolstack (console, xenstore) and survive
// a version switch; they may stay mapped while the version changes.
constexpr unsigned GNTTAB_NR_RESERVED_ENTRIES = 8;

// --- GNTMAP_* flags of map/unmap ------------------------------------------------
constexpr u32 GNTMAP_device_map = 1u << 0;
constexpr u32 GNTMAP_host_map = 1u << 1;
constexpr u32 GNTMAP_readonly = 1u << 2;
constexpr u32 GNTMAP_application_map = 1u << 3; // user-accessible PTE
constexpr u32 GNTMAP_contains_pte = 1u << 4;    // host_addr = PTE machine address

// GNTTABOP_map_grant_ref. With host_map, host_addr is a guest VA whose L1
// entry is replaced (or, with contains_pte, the machine address of an L1
// entry). dev_bus_addr = machine address of the frame (no IOMMU).
struct GnttabMapGrantRef {
    u64 host_addr;    // IN
    u32 flags;        // IN  GNTMAP_*
    u32 ref;          // IN
    u16 dom;          // IN  granting domain
    i16 status;       // OUT
    u32 handle;       // OUT for unmap
    u64 dev_bus_addr; // OUT
};
static_assert(sizeof(GnttabMapGrantRef) == 32);
static_assert(offsetof(GnttabMapGrantRef, flags) == 8);
static_assert(offsetof(GnttabMapGrantRef, ref) == 12);
static_assert(offsetof(GnttabMapGrantRef, dom) == 16);
static_assert(offsetof(GnttabMapGrantRef, status) == 18);
static_assert(offsetof(GnttabMapGrantRef, handle) == 20);
static_assert(offsetof(GnttabMapGrantRef, dev_bus_addr) == 24);

// GNTTABOP_unmap_grant_ref: host_addr != 0 removes the host part,
// dev_bus_addr != 0 the device part (it must match the frame).
struct GnttabUnmapGrantRef {
    u64 host_addr;    // IN
    u64 dev_bus_addr; // IN
    u32 handle;       // IN
    i16 status;       // OUT
    u16 pad;
};
static_assert(sizeof(GnttabUnmapGrantRef) == 24);
static_assert(offsetof(GnttabUnmapGrantRef, handle) == 16);
static_assert(offsetof(GnttabUnmapGrantRef, status) == 20);

// GNTTABOP_unmap_and_replace: the L1 entry at VA new_addr is moved (and
// zeroed there) to host_addr in place of the grant mapping.
struct GnttabUnmapAndReplace {
    u64 host_addr; // IN
    u64 new_addr;  // IN
    u32 handle;    // IN
    i16 status;    // OUT
    u16 pad;
};
static_assert(sizeof(GnttabUnmapAndReplace) == 24);
static_assert(offsetof(GnttabUnmapAndReplace, status) == 20);

// GNTTABOP_setup_table (count must be 1): grows the table of `dom` to
// nr_frames and writes the frames' MFNs to frame_list (xen_pfn_t[]).
struct GnttabSetupTable {
    u16 dom; // IN
    u16 pad0;
    u32 nr_frames; // IN
    i16 status;    // OUT
    u8 pad1[6];
    u64 frame_list; // IN handle of u64[nr_frames], OUT contents
};
static_assert(sizeof(GnttabSetupTable) == 24);
static_assert(offsetof(GnttabSetupTable, nr_frames) == 4);
static_assert(offsetof(GnttabSetupTable, status) == 8);
static_assert(offsetof(GnttabSetupTable, frame_list) == 16);

// GNTTABOP_query_size (count must be 1).
struct GnttabQuerySize {
    u16 dom; // IN
    u16 pad;
    u32 nr_frames;     // OUT
    u32 max_nr_frames; // OUT
    i16 status;        // OUT
    u16 pad1;
};
static_assert(sizeof(GnttabQuerySize) == 16);
static_assert(offsetof(GnttabQuerySize, max_nr_frames) == 8);
static_assert(offsetof(GnttabQuerySize, status) == 12);

// GNTTABOP_set_version (count must be 1): IN the wanted version, OUT the
// version in force afterwards. Returns -errno, not a status.
struct GnttabSetVersion {
    u32 version;
};
static_assert(sizeof(GnttabSetVersion) == 4);

// GNTTABOP_get_version (count must be 1). Returns -errno.
struct GnttabGetVersion {
    u16 dom; // IN
    u16 pad;
    u32 version; // OUT
};
static_assert(sizeof(GnttabGetVersion) == 8);
static_assert(offsetof(GnttabGetVersion, version) == 4);

// GNTTABOP_get_status_frames (v2, count must be 1): MFNs of the status frames.
struct GnttabGetStatusFrames {
    u32 nr_frames;  // IN
    u16 dom;        // IN
    i16 status;     // OUT
    u64 frame_list; // IN handle of u64[nr_frames]
};
static_assert(sizeof(GnttabGetStatusFrames) == 16);
static_assert(offsetof(GnttabGetStatusFrames, dom) == 4);
static_assert(offsetof(GnttabGetStatusFrames, status) == 6);
static_assert(offsetof(GnttabGetStatusFrames, frame_list) == 8);

// GNTTABOP_copy: each side is a grant reference of `domid` (GNTCOPY_*_gref)
// or, for DOMID_SELF only, a GMFN (= MFN for PV).
constexpr u16 GNTCOPY_source_gref = 1u << 0;
constexpr u16 GNTCOPY_dest_gref = 1u << 1;

struct GnttabCopyPtr {
    u64 u; // grant_ref_t ref (low 32 bits) or xen_pfn_t gmfn
    u16 domid;
    u16 offset;
    u32 pad;
};
static_assert(sizeof(GnttabCopyPtr) == 16);
static_assert(offsetof(GnttabCopyPtr, offset) == 10);

struct GnttabCopy {
    GnttabCopyPtr source; // IN
    GnttabCopyPtr dest;   // IN
    u16 len;              // IN
    u16 flags;            // IN GNTCOPY_*
    i16 status;           // OUT
    u16 pad;
};
static_assert(sizeof(GnttabCopy) == 40);
static_assert(offsetof(GnttabCopy, len) == 32);
static_assert(offsetof(GnttabCopy, flags) == 34);
static_assert(offsetof(GnttabCopy, status) == 36);

// GNTTABOP_cache_flush: returns -errno for the first failing entry.
constexpr u32 GNTTAB_CACHE_CLEAN = 1u << 0;
constexpr u32 GNTTAB_CACHE_INVAL = 1u << 1;
constexpr u32 GNTTAB_CACHE_SOURCE_GREF = 1u << 31;

struct GnttabCacheFlush {
    u64 a;      // dev_bus_addr, or ref with GNTTAB_CACHE_SOURCE_GREF
    u16 offset; // IN
    u16 length; // IN
    u32 op;     // IN GNTTAB_CACHE_*
};
static_assert(sizeof(GnttabCacheFlush) == 16);
static_assert(offsetof(GnttabCacheFlush, offset) == 8);
static_assert(offsetof(GnttabCacheFlush, length) == 10);
static_assert(offsetof(GnttabCacheFlush, op) == 12);

} // namespace xen
