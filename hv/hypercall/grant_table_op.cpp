// grant_table_op (docs/pv-abi.md §3.4.13): every command takes an array of
// its argument struct; per-entry outcomes go to each entry's `status`
// (GNTST_*), while malformed calls and unreadable arguments return -errno.
// Mapping and unmapping live in hv/mm/grant_map.cpp, the table itself in
// the portable hv/core/grant.
#include "hv/abi/grant_table.hpp"
#include "hv/abi/layout.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/grant_map.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/tlb.hpp"

#include <cstddef>

using namespace xen;

namespace {

// Reads each entry, lets `fn` fill in its outcome, writes it back.
template <class T, class F>
i64 for_each_op(u64 uop, u32 count, F&& fn) {
    for (u32 i = 0; i < count; i++) {
        T op;
        u64 at = uop + u64{i} * sizeof(T);
        if (!read_guest(op, at).ok()) return hc_error(XEN_EFAULT);
        fn(op);
        if (!write_guest(at, op).ok()) return hc_error(XEN_EFAULT);
    }
    return 0;
}

// The domain an operation names: the caller (DOMID_SELF or its own id), or
// any domain for a privileged caller (Xen's XSM_TARGET default).
struct Target {
    Domain* d;
    Gntst status;
};
Target target_domain(Domain* caller, u16 dom) {
    if (dom == DOMID_SELF || dom == caller->id) return {caller, GNTST_okay};
    if (!caller->privileged) return {nullptr, GNTST_permission_denied};
    Domain* d = domain_lookup(dom);
    return {d, d ? GNTST_okay : GNTST_bad_domain};
}

i64 map_grant_ref(Vcpu* v, u64 uop, u32 count) {
    i64 rc = for_each_op<GnttabMapGrantRef>(
        uop, count, [v](GnttabMapGrantRef& op) { op.status = grant_map(v, op); });
    // The replaced entries may still be cached.
    flush_domain_tlbs(v->domain);
    return rc;
}

i64 unmap_grant_ref(Vcpu* v, u64 uop, u32 count) {
    i64 rc = for_each_op<GnttabUnmapGrantRef>(uop, count, [v](GnttabUnmapGrantRef& op) {
        op.status = grant_unmap(v, {op.host_addr, op.dev_bus_addr, 0, op.handle, false});
    });
    flush_domain_tlbs(v->domain);
    return rc;
}

i64 unmap_and_replace(Vcpu* v, u64 uop, u32 count) {
    i64 rc = for_each_op<GnttabUnmapAndReplace>(uop, count, [v](GnttabUnmapAndReplace& op) {
        op.status = grant_unmap(v, {op.host_addr, 0, op.new_addr, op.handle, true});
    });
    flush_domain_tlbs(v->domain);
    return rc;
}

i64 setup_table(Vcpu* v, u64 uop, u32 count) {
    if (count != 1) return hc_error(XEN_EINVAL);
    GnttabSetupTable op;
    if (!read_guest(op, uop).ok()) return hc_error(XEN_EFAULT);
    Target t = target_domain(v->domain, op.dom);
    op.status = t.status;
    DomainGrants* g = t.d ? domain_grants(t.d) : nullptr;
    if (t.d && !g) op.status = GNTST_general_error;
    if (g && !g->table.grow(op.nr_frames).ok()) op.status = GNTST_general_error;
    for (u32 i = 0; g && op.status == GNTST_okay && i < op.nr_frames; i++) {
        u64 mfn = g->table.shared_mfn(i);
        if (!write_guest(op.frame_list + i * sizeof(u64), mfn).ok())
            op.status = GNTST_bad_virt_addr;
    }
    return hc_status(write_guest(uop + offsetof(GnttabSetupTable, status), op.status));
}

i64 query_size(Vcpu* v, u64 uop, u32 count) {
    if (count != 1) return hc_error(XEN_EINVAL);
    GnttabQuerySize op;
    if (!read_guest(op, uop).ok()) return hc_error(XEN_EFAULT);
    Target t = target_domain(v->domain, op.dom);
    op.status = t.status;
    DomainGrants* g = t.d ? domain_grants(t.d) : nullptr;
    if (g) {
        op.nr_frames = g->table.nr_frames();
        op.max_nr_frames = grant::kMaxFrames;
    } else if (t.d) {
        op.status = GNTST_general_error;
    }
    return hc_status(write_guest(uop, op));
}

i64 set_version(Vcpu* v, u64 uop) {
    GnttabSetVersion op;
    if (!read_guest(op, uop).ok()) return hc_error(XEN_EFAULT);
    DomainGrants* g = domain_grants(v->domain);
    if (!g) return hc_error(XEN_ENOMEM);
    Status s = g->table.set_version(op.version);
    op.version = g->table.version(); // the version in force, whatever happened
    if (!write_guest(uop, op).ok()) return hc_error(XEN_EFAULT);
    return hc_status(s);
}

i64 get_version(Vcpu* v, u64 uop) {
    GnttabGetVersion op;
    if (!read_guest(op, uop).ok()) return hc_error(XEN_EFAULT);
    Target t = target_domain(v->domain, op.dom);
    if (!t.d) return hc_error(t.status == GNTST_bad_domain ? XEN_ESRCH : XEN_EPERM);
    DomainGrants* g = domain_grants(t.d);
    if (!g) return hc_error(XEN_ENOMEM);
    op.version = g->table.version();
    return hc_status(write_guest(uop, op));
}

i64 get_status_frames(Vcpu* v, u64 uop, u32 count) {
    if (count != 1) return hc_error(XEN_EINVAL);
    GnttabGetStatusFrames op;
    if (!read_guest(op, uop).ok()) return hc_error(XEN_EFAULT);
    Target t = target_domain(v->domain, op.dom);
    op.status = t.status;
    DomainGrants* g = t.d ? domain_grants(t.d) : nullptr;
    // v1 has no status frames, so any request there fails here too.
    if (t.d && (!g || op.nr_frames > g->table.nr_status_frames())) op.status = GNTST_general_error;
    for (u32 i = 0; g && op.status == GNTST_okay && i < op.nr_frames; i++) {
        u64 mfn = g->table.status_mfn(i);
        if (!write_guest(op.frame_list + i * sizeof(u64), mfn).ok())
            op.status = GNTST_bad_virt_addr;
    }
    return hc_status(write_guest(uop + offsetof(GnttabGetStatusFrames, status), op.status));
}

// One side of a copy, held for the duration of the memcpy: a pinned grant
// (reading or writing flag set) or the caller's own frame, with a general
// reference and, for the destination, a writable type reference.
struct CopySide {
    u64 mfn = 0;
    u16 owner = 0;
    DomainGrants* granter = nullptr; // set when pinned through a grant
    u32 ref = 0;
    bool writable = false;
};

Gntst acquire(Vcpu* v, const GnttabCopyPtr& p, bool by_gref, bool writable, CopySide& out) {
    Domain* ld = v->domain;
    out.writable = writable;
    u32 how = GNTMAP_host_map | (writable ? 0 : GNTMAP_readonly);
    if (by_gref) {
        Domain* rd = domain_lookup(p.domid == DOMID_SELF ? ld->id : p.domid);
        if (!rd || rd->state == DomainState::dying) return GNTST_bad_domain;
        DomainGrants* rg = domain_grants(rd);
        if (!rg) return GNTST_general_error;
        out.ref = static_cast<u32>(p.u);
        if (Gntst s = rg->table.pin(out.ref, ld->id, how, &out.mfn); s != GNTST_okay) return s;
        out.owner = rd->id;
        if (!page_types().get_grant_ref(out.mfn, out.owner, writable)) {
            rg->table.unpin(out.ref, how);
            return GNTST_general_error;
        }
        out.granter = rg;
        return GNTST_okay;
    }
    out.mfn = p.u;
    out.owner = ld->id;
    if (!page_types().get_grant_ref(out.mfn, out.owner, writable)) return GNTST_bad_page;
    return GNTST_okay;
}

void release(const CopySide& s) {
    page_types().put_grant_ref(s.mfn, s.writable);
    if (s.granter)
        s.granter->table.unpin(s.ref, GNTMAP_host_map | (s.writable ? 0 : GNTMAP_readonly));
}

Gntst copy_one(Vcpu* v, const GnttabCopy& op) {
    bool src_gref = op.flags & GNTCOPY_source_gref, dst_gref = op.flags & GNTCOPY_dest_gref;
    // Copy by frame number only for the caller's own frames.
    if ((!src_gref && op.source.domid != DOMID_SELF) || (!dst_gref && op.dest.domid != DOMID_SELF))
        return GNTST_permission_denied;
    if (op.source.offset + op.len > kPageSize || op.dest.offset + op.len > kPageSize)
        return GNTST_bad_copy_arg;
    CopySide src, dst;
    if (Gntst s = acquire(v, op.source, src_gref, false, src); s != GNTST_okay) return s;
    if (Gntst s = acquire(v, op.dest, dst_gref, true, dst); s != GNTST_okay) {
        release(src);
        return s;
    }
    memmove(static_cast<u8*>(map_frame(dst.mfn)) + op.dest.offset,
            static_cast<const u8*>(map_frame(src.mfn)) + op.source.offset, op.len);
    release(dst);
    release(src);
    return GNTST_okay;
}

i64 copy(Vcpu* v, u64 uop, u32 count) {
    return for_each_op<GnttabCopy>(uop, count,
                                   [v](GnttabCopy& op) { op.status = copy_one(v, op); });
}

// Xen implements cache_flush for Arm only (x86 answers -ENOSYS); here the
// arguments are checked as Arm does and nothing else happens, since x86 DMA
// is cache-coherent. A frame may only be named by its owner or by a domain
// holding a grant mapping of it (xsa-232: arbitrary addresses must be safe).
XenErrno cache_flush_one(Domain* d, const GnttabCacheFlush& op) {
    if (op.offset >= kPageSize || op.length > kPageSize || op.offset + op.length > kPageSize ||
        (op.op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)))
        return XEN_EINVAL;
    if (op.length == 0 || op.op == 0) return XEN_OK;
    u64 mfn = op.a >> kPageShift;
    if (!frame_table().is_ram(mfn)) return XEN_EINVAL;
    u16 owner_id = frame_table()[mfn].owner;
    Domain* owner = owner_id < DOMID_FIRST_RESERVED ? domain_lookup(owner_id) : nullptr;
    if (!owner) return XEN_EPERM;
    if (owner == d) return XEN_OK;
    DomainGrants* g = domain_grants(owner);
    return g && g->table.mapped_by(d->id, mfn) ? XEN_OK : XEN_EINVAL;
}

i64 cache_flush(Vcpu* v, u64 uop, u32 count) {
    for (u32 i = 0; i < count; i++) {
        GnttabCacheFlush op;
        if (!read_guest(op, uop + u64{i} * sizeof op).ok()) return hc_error(XEN_EFAULT);
        if (XenErrno e = cache_flush_one(v->domain, op)) return hc_error(e);
    }
    return 0;
}

} // namespace

i64 hc_grant_table_op(Vcpu* v, const HypercallArgs& a) {
    u32 cmd = static_cast<u32>(a.a[0]);
    u64 uop = a.a[1];
    u32 count = static_cast<u32>(a.a[2]);
    if (static_cast<i32>(count) < 0) return hc_error(XEN_EINVAL);
    // Bits above the command are a continuation argument, cache_flush's only.
    if ((cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush && (cmd & ~GNTTABOP_CMD_MASK))
        return hc_error(XEN_EINVAL);
    switch (cmd & GNTTABOP_CMD_MASK) {
    case GNTTABOP_map_grant_ref:
        return map_grant_ref(v, uop, count);
    case GNTTABOP_unmap_grant_ref:
        return unmap_grant_ref(v, uop, count);
    case GNTTABOP_unmap_and_replace:
        return unmap_and_replace(v, uop, count);
    case GNTTABOP_setup_table:
        return setup_table(v, uop, count);
    case GNTTABOP_query_size:
        return query_size(v, uop, count);
    case GNTTABOP_set_version:
        return set_version(v, uop);
    case GNTTABOP_get_version:
        return get_version(v, uop);
    case GNTTABOP_get_status_frames:
        return get_status_frames(v, uop, count);
    case GNTTABOP_copy:
        return copy(v, uop, count);
    case GNTTABOP_cache_flush:
        return cache_flush(v, uop, count);
    default:
        // dump_table, transfer and swap_grant_ref are not offered.
        return hc_error(XEN_ENOSYS);
    }
}
