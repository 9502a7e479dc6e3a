// Extent-list walks of memory_op, following Xen's common/memory.c
// (increase_reservation, decrease_reservation, populate_physmap,
// memory_exchange) for non-translated (PV) domains.
#include "hv/core/mm/reservation.hpp"

namespace mm {

namespace {

// Xen's propagate_node: only the hardware domain's node requests are
// checked (others are hints); we have one node, 0.
bool node_ok(u32 mem_flags, const MemopLimits& lim) {
    unsigned node = memf_node(mem_flags);
    bool exact = (mem_flags & XENMEMF_exact_node_request) != 0;
    if (node == kNoNode) return !exact;
    if (!lim.hardware_domain) return true;
    return node == 0;
}

// Allocation widths: 0 or one that covers all memory needs no limit;
// anything at or below one page cannot be satisfied.
bool address_bits_ok(u32 mem_flags, const MemopLimits& lim, unsigned& bits) {
    bits = memf_address_bits(mem_flags);
    if (bits == 0 || bits >= lim.address_bits_floor) {
        bits = 0;
        return true;
    }
    return bits > kPageShift;
}

} // namespace

bool reservation_args_ok(const MemoryReservation& r, u64 start, const MemopLimits& lim) {
    // The resume index must fit in the bits above the op number.
    if (r.nr_extents > (0xFFFFFFFFull >> kMemopExtentShift)) return false;
    if (start >= r.nr_extents) return false;
    unsigned bits;
    if (!address_bits_ok(r.mem_flags, lim, bits)) return false;
    // No virtual NUMA topology: a vnode request names nothing.
    if (r.mem_flags & XENMEMF_vnode) return false;
    return node_ok(r.mem_flags, lim);
}

u64 increase_reservation(const MemoryReservation& r, u64 start, const MemopLimits& lim,
                         ExtentOps& ops) {
    if (!reservation_args_ok(r, start, lim)) return start;
    // A null list only asks for the frames (the guest learns them later).
    if (r.extent_start && !ops.list_ok(r.extent_start, start, r.nr_extents - 1)) return start;
    if (r.extent_order > lim.max_order || (r.extent_order != 0 && !lim.multipage)) return start;
    unsigned bits;
    (void)address_bits_ok(r.mem_flags, lim, bits); // checked above
    u64 i = start;
    for (; i < r.nr_extents; i++) {
        Result<u64> mfn = ops.alloc(r.extent_order, bits);
        if (!mfn) break;
        // New frames have no pseudo-physical home until the guest gives
        // them one (MMU_MACHPHYS_UPDATE).
        for (u64 k = 0; k < (1ull << r.extent_order); k++)
            ops.set_m2p(*mfn + k, ~0ull);
        // The frames stay the domain's even if it cannot learn them, as in Xen.
        if (r.extent_start && !ops.write(r.extent_start, i, *mfn)) break;
    }
    return i;
}

u64 decrease_reservation(const MemoryReservation& r, u64 start, const MemopLimits& lim,
                         ExtentOps& ops) {
    if (!reservation_args_ok(r, start, lim)) return start;
    if (!ops.list_ok(r.extent_start, start, r.nr_extents - 1) || r.extent_order > lim.max_order)
        return start;
    u64 i = start;
    for (; i < r.nr_extents; i++) {
        u64 mfn;
        if (!ops.read(r.extent_start, i, mfn)) break;
        bool failed = false;
        for (u64 k = 0; k < (1ull << r.extent_order) && !failed; k++)
            failed = !ops.remove(mfn + k).ok();
        // Frames of a partly removed extent stay removed; the count says
        // the extent is not done, as Xen's does.
        if (failed) break;
    }
    return i;
}

u64 populate_physmap(const MemoryReservation& r, u64 start, const MemopLimits& lim,
                     ExtentOps& ops) {
    if (!reservation_args_ok(r, start, lim)) return start;
    if (!ops.list_ok(r.extent_start, start, r.nr_extents - 1) || r.extent_order > lim.max_order)
        return start;
    // Populate-on-demand needs a translated (HVM) p2m.
    if (r.mem_flags & XENMEMF_populate_on_demand) return start;
    unsigned bits;
    (void)address_bits_ok(r.mem_flags, lim, bits); // checked above
    u64 i = start;
    for (; i < r.nr_extents; i++) {
        u64 gpfn;
        if (!ops.read(r.extent_start, i, gpfn)) break;
        Result<u64> mfn = ops.alloc(r.extent_order, bits);
        if (!mfn) break;
        for (u64 k = 0; k < (1ull << r.extent_order); k++)
            ops.set_m2p(*mfn + k, gpfn + k);
        if (!ops.write(r.extent_start, i, *mfn)) break;
    }
    return i;
}

namespace {

// Largest exchange chunk handled: 2^8 input extents or 2^8 output extents
// (Linux's contiguous-region exchanges use at most order 6-9 in pages);
// bounded so the bookkeeping fits on the hypervisor stack.
constexpr unsigned kMaxChunkOrder = 8;

// One chunk of an exchange: 2^in_chunk input extents for 2^out_chunk output
// extents (the same number of pages). Atomic: on failure nothing changed.
Status exchange_chunk(const MemoryExchange& x, u64 i, unsigned in_chunk, unsigned out_chunk,
                      unsigned bits, ExtentOps& ops) {
    u64 in_base[1u << kMaxChunkOrder];
    u64 out_base[1u << kMaxChunkOrder];
    u64 in_pages = 1ull << x.in.extent_order;
    u64 nr_in = 0, nr_out = 0, stolen_in_last = 0;
    Status rc;
    // Steal every input frame; remember extents, not frames (frames of one
    // extent are consecutive).
    for (; rc.ok() && nr_in < (1ull << in_chunk); nr_in++) {
        stolen_in_last = 0;
        if (!ops.read(x.in.extent_start, (i << in_chunk) + nr_in, in_base[nr_in])) {
            rc = XEN_EFAULT;
            break;
        }
        for (stolen_in_last = 0; stolen_in_last < in_pages; stolen_in_last++) {
            rc = ops.steal(in_base[nr_in] + stolen_in_last);
            if (!rc.ok()) break;
        }
        if (!rc.ok()) break;
    }
    for (; rc.ok() && nr_out < (1ull << out_chunk); nr_out++) {
        Result<u64> mfn = ops.alloc(x.out.extent_order, bits);
        if (!mfn) {
            rc = XEN_ENOMEM;
            break;
        }
        out_base[nr_out] = *mfn;
    }
    if (!rc.ok()) {
        for (u64 j = 0; j < nr_out; j++)
            ops.unalloc(out_base[j], x.out.extent_order);
        // Complete extents [0, nr_in), then the part of extent nr_in stolen.
        for (u64 j = 0; j < nr_in; j++)
            for (u64 k = 0; k < in_pages; k++)
                ops.unsteal(in_base[j] + k);
        if (nr_in < (1ull << in_chunk))
            for (u64 k = 0; k < stolen_in_last; k++)
                ops.unsteal(in_base[nr_in] + k);
        return rc;
    }
    for (u64 j = 0; j < nr_in; j++)
        for (u64 k = 0; k < in_pages; k++)
            ops.free_stolen(in_base[j] + k);
    // The new frames are the domain's now; a list the guest cannot read or
    // write only fails the call (Xen: "rc = -EFAULT; continue").
    for (u64 j = 0; j < nr_out; j++) {
        u64 index = (i << out_chunk) + j;
        u64 gpfn;
        if (!ops.read(x.out.extent_start, index, gpfn)) {
            rc = XEN_EFAULT;
            continue;
        }
        for (u64 k = 0; k < (1ull << x.out.extent_order); k++)
            ops.set_m2p(out_base[j] + k, gpfn + k);
        if (!ops.write(x.out.extent_start, index, out_base[j])) rc = XEN_EFAULT;
    }
    return rc;
}

} // namespace

Status exchange(MemoryExchange& x, const MemopLimits& lim, ExtentOps& ops) {
    unsigned in_o = x.in.extent_order, out_o = x.out.extent_order;
    if (in_o > lim.max_order || out_o > lim.max_order) return XEN_EPERM;
    if (x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
        (~0ull >> in_o) < x.in.nr_extents || (~0ull >> out_o) < x.out.nr_extents ||
        (x.in.nr_extents << in_o) != (x.out.nr_extents << out_o))
        return XEN_EINVAL;
    if (x.nr_exchanged == x.in.nr_extents) return {};
    // Both lists are checked from the resume point before anything is done.
    if (!ops.list_ok(x.in.extent_start, x.nr_exchanged, x.in.nr_extents - 1)) return XEN_EFAULT;
    unsigned in_chunk = in_o <= out_o ? out_o - in_o : 0;
    unsigned out_chunk = in_o <= out_o ? 0 : in_o - out_o;
    u64 out_first = in_o <= out_o ? x.nr_exchanged >> in_chunk : x.nr_exchanged << out_chunk;
    if (!ops.list_ok(x.out.extent_start, out_first, x.out.nr_extents - 1)) return XEN_EFAULT;
    unsigned bits;
    if (!address_bits_ok(x.out.mem_flags, lim, bits) || !node_ok(x.out.mem_flags, lim))
        return XEN_EINVAL;
    // One chunk's extents are tracked on the stack: bound their number.
    if (in_chunk > kMaxChunkOrder || out_chunk > kMaxChunkOrder) return XEN_EPERM;

    for (u64 i = x.nr_exchanged >> in_chunk; i < (x.in.nr_extents >> in_chunk); i++) {
        Status rc = exchange_chunk(x, i, in_chunk, out_chunk, bits, ops);
        if (!rc.ok()) {
            x.nr_exchanged = i << in_chunk;
            return rc;
        }
    }
    x.nr_exchanged = x.in.nr_extents;
    return {};
}

} // namespace mm
