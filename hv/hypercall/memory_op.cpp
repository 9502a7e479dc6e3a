// memory_op (docs/pv-abi.md §3.4.8): reservation queries, ballooning and
// the memory maps a PV guest reads. The extent-list walks are portable
// (hv/core/mm/reservation); this file decodes, checks the target domain
// and copies structures in and out.
#include "hv/abi/layout.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/inject/injector.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/reservation.hpp"
#include "hv/mm/tlb.hpp"

namespace {

// DOMID_SELF, or any domain for a privileged caller (Xen's
// rcu_lock_domain_by_any_id plus the XSM_TARGET check).
Domain* target_domain(Vcpu* v, u16 domid) {
    if (domid == xen::DOMID_SELF || domid == v->domain->id) return v->domain;
    return v->domain->privileged ? domain_lookup(domid) : nullptr;
}

// increase/decrease_reservation and populate_physmap answer the number of
// extents done; every refusal is a short count, never an errno.
i64 reservation_op(Vcpu* v, unsigned op, u64 start, u64 arg) {
    mm::MemoryReservation r;
    if (!read_guest(r, arg).ok()) return static_cast<i64>(start);
    if (!mm::reservation_args_ok(r, start, memop_limits(v->domain))) return static_cast<i64>(start);
    Domain* d = target_domain(v, r.domid);
    if (!d) return static_cast<i64>(start);
    DomainExtentOps ops(d);
    mm::MemopLimits lim = memop_limits(v->domain);
    u64 done;
    // A refused increase is a short count, as when the machine is out of
    // memory (fault injection, issue 11).
    if (op != mm::XENMEM_decrease_reservation && injector_refuse_reservation(d))
        return static_cast<i64>(start);
    if (op == mm::XENMEM_increase_reservation)
        done = mm::increase_reservation(r, start, lim, ops);
    else if (op == mm::XENMEM_decrease_reservation)
        done = mm::decrease_reservation(r, start, lim, ops);
    else
        done = mm::populate_physmap(r, start, lim, ops);
    // Frames freed above may be cached in TLBs that ran the domain.
    if (page_types().take_flush_request()) flush_domain_tlbs(d);
    return static_cast<i64>(done);
}

i64 exchange_op(Vcpu* v, u64 arg) {
    mm::MemoryExchange x;
    if (!read_guest(x, arg).ok()) return hc_error(XEN_EFAULT);
    Domain* d = target_domain(v, x.in.domid);
    if (!d) return hc_error(XEN_ESRCH);
    DomainExtentOps ops(d);
    Status rc = mm::exchange(x, memop_limits(v->domain), ops);
    if (page_types().take_flush_request()) flush_domain_tlbs(d);
    // The resume point goes back in every case, as Xen's fail paths do.
    if (!write_guest(arg + offsetof(mm::MemoryExchange, nr_exchanged), x.nr_exchanged).ok())
        return hc_error(XEN_EFAULT);
    return hc_status(rc);
}

i64 reservation_query(Vcpu* v, unsigned op, u64 arg) {
    u16 domid;
    if (!read_guest(domid, arg).ok()) return hc_error(XEN_EFAULT);
    Domain* d = target_domain(v, domid);
    if (!d) return hc_error(XEN_ESRCH);
    switch (op) {
    case mm::XENMEM_current_reservation:
        return static_cast<i64>(d->nr_pages);
    case mm::XENMEM_maximum_reservation:
        return static_cast<i64>(d->max_pages);
    default: // maximum_gpfn: the guest-maintained shared_info max_pfn
        return static_cast<i64>(d->shared_info->max_pfn) - 1;
    }
}

i64 machphys_mfn_list(u64 arg) {
    mm::MachphysMfnList l;
    if (!read_guest(l, arg).ok()) return hc_error(XEN_EFAULT);
    u64 chunks = (m2p_bytes() + (1ull << 21) - 1) >> 21;
    u32 i = 0;
    for (; i < l.max_extents && i < chunks; i++) {
        u64 mfn = m2p_chunk_mfn(i);
        if (!write_guest(l.extent_start + i * 8ull, mfn).ok()) return hc_error(XEN_EFAULT);
    }
    l.nr_extents = i;
    if (!write_guest(arg, l).ok()) return hc_error(XEN_EFAULT);
    return 0;
}

i64 machphys_mapping(u64 arg) {
    // The part of the M2P region that exists: entries past max_mfn fault.
    mm::MachphysMapping m{xen::MACH2PHYS_VIRT_START, xen::MACH2PHYS_VIRT_START + m2p_bytes(),
                          machine_frames() - 1};
    return write_guest(arg, m).ok() ? 0 : hc_error(XEN_EFAULT);
}

// The domain's pseudo-physical map: one RAM range sized for its
// reservation limit (ballooned-out PFNs are holes in the guest's p2m, not a
// smaller map).
i64 memory_map(Vcpu* v, u64 arg) {
    mm::MemoryMap map;
    if (!read_guest(map, arg).ok()) return hc_error(XEN_EFAULT);
    Domain* d = v->domain;
    u64 pages = d->max_pages > d->nr_pages ? d->max_pages : d->nr_pages;
    mm::E820Entry ram{0, pages << kPageShift, mm::kE820Ram};
    map.nr_entries = map.nr_entries < 1 ? map.nr_entries : 1;
    if (map.nr_entries && !write_guest(map.buffer, ram).ok()) return hc_error(XEN_EFAULT);
    return write_guest(arg, map).ok() ? 0 : hc_error(XEN_EFAULT);
}

// The host's RAM as the frame table sees it: runs of RAM frames, for the
// hardware domain only.
i64 machine_memory_map(Vcpu* v, u64 arg) {
    if (!v->domain->privileged) return hc_error(XEN_EPERM);
    mm::MemoryMap map;
    if (!read_guest(map, arg).ok()) return hc_error(XEN_EFAULT);
    const auto& ft = frame_table();
    u32 n = 0;
    for (u64 mfn = 0; mfn < ft.size() && n < map.nr_entries;) {
        if (!ft.is_ram(mfn)) {
            mfn++;
            continue;
        }
        u64 end = mfn;
        while (end < ft.size() && ft.is_ram(end))
            end++;
        mm::E820Entry e{mfn << kPageShift, (end - mfn) << kPageShift, mm::kE820Ram};
        if (!write_guest(map.buffer + n * sizeof e, e).ok()) return hc_error(XEN_EFAULT);
        n++;
        mfn = end;
    }
    map.nr_entries = n;
    return write_guest(arg, map).ok() ? 0 : hc_error(XEN_EFAULT);
}

} // namespace

i64 hc_memory_op(Vcpu* v, const HypercallArgs& a) {
    unsigned op = static_cast<unsigned>(a.a[0]) & mm::kMemopCmdMask;
    u64 start = (a.a[0] & 0xFFFFFFFFull) >> mm::kMemopExtentShift;
    u64 arg = a.a[1];
    switch (op) {
    case mm::XENMEM_increase_reservation:
    case mm::XENMEM_decrease_reservation:
    case mm::XENMEM_populate_physmap:
        return reservation_op(v, op, start, arg);
    case mm::XENMEM_exchange:
        return exchange_op(v, arg);
    case mm::XENMEM_maximum_ram_page:
        // Xen's max_page: one past the highest machine frame.
        return start ? hc_error(XEN_EINVAL) : static_cast<i64>(machine_frames());
    case mm::XENMEM_current_reservation:
    case mm::XENMEM_maximum_reservation:
    case mm::XENMEM_maximum_gpfn:
        return reservation_query(v, op, arg);
    case mm::XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case mm::XENMEM_machphys_mapping:
        return machphys_mapping(arg);
    case mm::XENMEM_memory_map:
        return memory_map(v, arg);
    case mm::XENMEM_machine_memory_map:
        return machine_memory_map(v, arg);
    default:
        return hc_error(XEN_ENOSYS);
    }
}
