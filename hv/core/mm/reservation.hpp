// Ballooning: frames joining and leaving a domain through memory_op
// (docs/pv-abi.md §3.4.8, Xen's common/memory.c). This is the portable part:
// argument checks and the walk over the guest's extent lists, with Xen's
// exact error and "extents done" semantics. Guest-memory access and the
// frame supply are behind ExtentOps so the walk is tested on the host.
//
// PV guests are not translated: extent lists carry machine frame numbers
// (decrease, exchange input) or receive them (increase, populate,
// exchange output). The guest maintains its own p2m; the hypervisor keeps
// the M2P current for every frame it hands out.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

namespace mm {

// --- public/memory.h (pv64 layouts) ---
constexpr unsigned XENMEM_increase_reservation = 0;
constexpr unsigned XENMEM_decrease_reservation = 1;
constexpr unsigned XENMEM_maximum_ram_page = 2;
constexpr unsigned XENMEM_current_reservation = 3;
constexpr unsigned XENMEM_maximum_reservation = 4;
constexpr unsigned XENMEM_machphys_mfn_list = 5;
constexpr unsigned XENMEM_populate_physmap = 6;
constexpr unsigned XENMEM_memory_map = 9;
constexpr unsigned XENMEM_machine_memory_map = 10;
constexpr unsigned XENMEM_exchange = 11;
constexpr unsigned XENMEM_machphys_mapping = 12;
constexpr unsigned XENMEM_maximum_gpfn = 14;

// memory_op's cmd: low 6 bits the op, the rest the extent to resume at.
constexpr unsigned kMemopCmdMask = 0x3F;
constexpr unsigned kMemopExtentShift = 6;

// mem_flags: bits 0-7 address width (0 = any), bits 8-15 NUMA node + 1.
constexpr u32 XENMEMF_populate_on_demand = 1u << 16;
constexpr u32 XENMEMF_exact_node_request = 1u << 17;
constexpr u32 XENMEMF_vnode = 1u << 18;
constexpr unsigned memf_address_bits(u32 f) {
    return f & 0xFF;
}
constexpr unsigned memf_node(u32 f) { // 0xFF: no node requested
    return ((f >> 8) - 1) & 0xFF;
}
constexpr unsigned kNoNode = 0xFF;

// IN: extent_start (list of frames), nr_extents, extent_order (2^order
// pages each), mem_flags, domid. OUT: the list (increase, populate).
struct MemoryReservation {
    u64 extent_start;
    u64 nr_extents;
    u32 extent_order;
    u32 mem_flags;
    u16 domid;
    u16 pad[3];
};
static_assert(sizeof(MemoryReservation) == 32);

// IN: `in` frames to give up, `out` frames wanted (same total size).
// IN/OUT: nr_exchanged, input extents already done (the resume point).
struct MemoryExchange {
    MemoryReservation in;
    MemoryReservation out;
    u64 nr_exchanged;
};
static_assert(sizeof(MemoryExchange) == 72);

// IN: max_extents, extent_start. OUT: nr_extents, the list.
struct MachphysMfnList {
    u32 max_extents;
    u32 pad0;
    u64 extent_start;
    u32 nr_extents;
    u32 pad1;
};
static_assert(sizeof(MachphysMfnList) == 24);

struct MachphysMapping {
    u64 v_start, v_end; // where the read-only M2P is mapped
    u64 max_mfn;        // last M2P entry that exists
};
static_assert(sizeof(MachphysMapping) == 24);

// IN: nr_entries (buffer capacity), buffer. OUT: nr_entries written.
struct MemoryMap {
    u32 nr_entries;
    u32 pad;
    u64 buffer;
};
static_assert(sizeof(MemoryMap) == 16);

struct [[gnu::packed]] E820Entry {
    u64 addr;
    u64 size;
    u32 type;
};
static_assert(sizeof(E820Entry) == 20);
constexpr u32 kE820Ram = 1;

// What the calling domain may ask for (Xen's max_order and
// multipage_allocation_permitted).
struct MemopLimits {
    unsigned max_order = 0;          // largest extent_order accepted
    bool multipage = false;          // increase_reservation above order 0
    bool hardware_domain = false;    // NUMA node requests are checked, not ignored
    unsigned address_bits_floor = 0; // widths >= this need no restriction
};

// The hypervisor side of one call. Every method acts on the target domain.
class ExtentOps {
  public:
    // Xen's guest_handle_subrange_okay: elements [first, last] of the list
    // of 8-byte entries at `list` are guest addresses.
    virtual bool list_ok(u64 list, u64 first, u64 last) = 0;
    virtual bool read(u64 list, u64 index, u64& value) = 0;
    virtual bool write(u64 list, u64 index, u64 value) = 0;
    // 2^order zeroed contiguous frames, owned by and charged to the domain
    // (fails past its max_pages or below `address_bits`, when non-zero).
    virtual Result<u64> alloc(unsigned order, unsigned address_bits) = 0;
    // Undo alloc (nothing references the frames yet).
    virtual void unalloc(u64 mfn, unsigned order) = 0;
    // Xen's guest_remove_page.
    virtual Status remove(u64 mfn) = 0;
    // Exchange input: take an unreferenced frame from the domain (uncharged,
    // not yet freed); give it back, or free it once the exchange succeeds.
    virtual Status steal(u64 mfn) = 0;
    virtual void unsteal(u64 mfn) = 0;
    virtual void free_stolen(u64 mfn) = 0;
    virtual void set_m2p(u64 mfn, u64 pfn) = 0;

  protected:
    ~ExtentOps() = default;
};

// do_memory_op's checks before any extent is touched; false makes the call
// return `start` (zero extents done), as Xen does.
bool reservation_args_ok(const MemoryReservation& r, u64 start, const MemopLimits& lim);

// Each returns the number of extents done (Xen's nr_done): `start` plus
// those completed before the first failure. Errors are never returned as
// errno: a guest sees a short count.
u64 increase_reservation(const MemoryReservation& r, u64 start, const MemopLimits& lim,
                         ExtentOps& ops);
u64 decrease_reservation(const MemoryReservation& r, u64 start, const MemopLimits& lim,
                         ExtentOps& ops);
u64 populate_physmap(const MemoryReservation& r, u64 start, const MemopLimits& lim, ExtentOps& ops);

// XENMEM_exchange: x.nr_exchanged is updated to the resume point (the
// caller writes it back to the guest in every case, like Xen). Both lists
// are range-checked from index nr_exchanged before anything is done
// (xsa-212 points the output list at the hypervisor and expects -EFAULT).
[[nodiscard]] Status exchange(MemoryExchange& x, const MemopLimits& lim, ExtentOps& ops);

// Reservation accounting: n more pages fit under max_pages.
constexpr bool fits_reservation(u64 nr_pages, u64 max_pages, u64 n) {
    return nr_pages <= max_pages && n <= max_pages - nr_pages;
}

} // namespace mm
