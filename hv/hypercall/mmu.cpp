// Page-table hypercalls (docs/pv-abi.md §4.4-§4.6): every change a guest
// makes to its hardware page tables passes the typing core's validation.
//
// Ordering guarantee (the race the Xen paper warns about): each update is
// written to the page table before the hypercall, or the next entry of a
// batch, continues; TLB flushes requested by the typing core (L2-L4 changes,
// type changes, frames freed by their last reference) and by the guest
// happen before the hypercall returns, and any fault or event is delivered
// only on the way out, after all of it. A guest can therefore never observe
// a half-applied batch. Within a multicall each entry is a full hypercall,
// so a later entry walks the tables (and TLBs) an earlier one left
// (xsa-286). The same holds for the two paths that change entries without
// a hypercall: writable page tables (hv/mm/wpt.cpp) apply the decoded
// store and any flush it needs before the faulting instruction is retired,
// and ballooning (memory_op) flushes before a freed frame can be handed
// out again, so no TLB ever maps a frame another domain owns.
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/hypercall/foreign_dom.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/guest_walk.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/tlb.hpp"

namespace {

bool is_self(const Vcpu* v, u64 domid) {
    u16 id = static_cast<u16>(domid);
    return id == xen::DOMID_SELF || id == v->domain->id;
}

// Writes the number of completed requests to the guest's `done` pointer.
i64 finish_batch(u64 done_ptr, u32 done, i64 rc) {
    if (done_ptr && !write_guest(done_ptr, done).ok() && rc == 0) return hc_error(XEN_EFAULT);
    return rc;
}

// Reads the guest's vCPU bitmap (TLB_FLUSH_MULTI, INVLPG_MULTI,
// UVMF_MULTI): one bit per vCPU in 8-byte words, read as far as the domain
// has vCPUs, as Xen's vcpumask_to_pcpumask does. Until vCPUs run on several
// CPUs every flush is this CPU's, so only readability matters.
Status read_vcpumask(const Vcpu* v, u64 ptr) {
    unsigned n = v->domain->nr_vcpus;
    for (unsigned word = 0; word * 64 < n; word++) {
        u64 bits;
        TRY(read_guest(bits, ptr + word * 8ull));
    }
    return {};
}

i64 pin_or_unpin(Vcpu* v, const xen::MmuextOp& op) {
    auto& types = page_types();
    const auto& mm = v->domain->mm;
    switch (op.cmd) {
    case xen::MMUEXT_PIN_L1_TABLE:
    case xen::MMUEXT_PIN_L2_TABLE:
    case xen::MMUEXT_PIN_L3_TABLE:
    case xen::MMUEXT_PIN_L4_TABLE: {
        auto level = static_cast<mm::FrameType>(op.cmd - xen::MMUEXT_PIN_L1_TABLE + 1);
        return hc_status(types.pin(op.arg1, level, mm));
    }
    default:
        return hc_status(types.unpin(op.arg1, mm));
    }
}

i64 new_base(Vcpu* v, u64 mfn, bool user) {
    auto& types = page_types();
    u64& slot = user ? v->user_l4_mfn : v->kernel_l4_mfn;
    if (user && mfn == 0) {
        if (slot) types.put_base_pointer(slot);
        slot = 0;
        return 0;
    }
    if (!types.get_base_pointer(mfn, v->domain->mm).ok()) return hc_error(XEN_EINVAL);
    u64 old = slot;
    slot = mfn;
    if (user == !v->kernel_mode) arch::write_cr3(mfn << kPageShift);
    if (old) types.put_base_pointer(old);
    return 0;
}

i64 mmuext_one(Vcpu* v, const xen::MmuextOp& op) {
    switch (op.cmd) {
    case xen::MMUEXT_PIN_L1_TABLE:
    case xen::MMUEXT_PIN_L2_TABLE:
    case xen::MMUEXT_PIN_L3_TABLE:
    case xen::MMUEXT_PIN_L4_TABLE:
    case xen::MMUEXT_UNPIN_TABLE:
        return pin_or_unpin(v, op);
    case xen::MMUEXT_NEW_BASEPTR:
        return new_base(v, op.arg1, false);
    case xen::MMUEXT_NEW_USER_BASEPTR:
        return new_base(v, op.arg1, true);
    case xen::MMUEXT_TLB_FLUSH_MULTI:
        // An unreadable bitmap is -EINVAL here (Xen), -EFAULT for UVMF_MULTI.
        if (!read_vcpumask(v, op.arg2).ok()) return hc_error(XEN_EINVAL);
        [[fallthrough]];
    case xen::MMUEXT_TLB_FLUSH_LOCAL:
    case xen::MMUEXT_TLB_FLUSH_ALL:
        flush_domain_tlbs(v->domain);
        return 0;
    case xen::MMUEXT_INVLPG_MULTI:
        if (!read_vcpumask(v, op.arg2).ok()) return hc_error(XEN_EINVAL);
        [[fallthrough]];
    case xen::MMUEXT_INVLPG_LOCAL:
    case xen::MMUEXT_INVLPG_ALL:
        if (xen::guest_addr_ok(op.arg1)) flush_domain_va(v->domain, op.arg1);
        return 0;
    case xen::MMUEXT_FLUSH_CACHE:
    case xen::MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!v->domain->mm.cache_flush_permitted) return hc_error(XEN_EACCES);
        asm volatile("wbinvd" ::: "memory");
        return 0;
    case xen::MMUEXT_SET_LDT: {
        u64 base = op.arg1, ents = op.arg2;
        if ((base & (kPageSize - 1)) || !xen::guest_addr_ok(base) || ents > 8192)
            return hc_error(XEN_EINVAL);
        v->ldt_base = base;
        v->ldt_ents = static_cast<u32>(ents);
        return 0;
    }
    case xen::MMUEXT_CLEAR_PAGE:
    case xen::MMUEXT_COPY_PAGE: {
        auto& types = page_types();
        const auto& mm = v->domain->mm;
        if (!types.get_page_and_type(op.arg1, mm::FrameType::Writable, mm).ok())
            return hc_error(XEN_EINVAL);
        i64 rc = 0;
        if (op.cmd == xen::MMUEXT_CLEAR_PAGE) {
            __builtin_memset(map_frame(op.arg1), 0, kPageSize);
        } else if (types.get_page(op.arg2, mm.id).ok()) {
            __builtin_memcpy(map_frame(op.arg1), map_frame(op.arg2), kPageSize);
            types.put_page(op.arg2);
        } else {
            rc = hc_error(XEN_EINVAL);
        }
        types.put_page_and_type(op.arg1);
        return rc;
    }
    case xen::MMUEXT_MARK_SUPER:
    case xen::MMUEXT_UNMARK_SUPER:
        // PV superpages are not supported; a frame that is not even RAM is
        // refused as an invalid argument first.
        if (!frame_table().is_ram(op.arg1)) return hc_error(XEN_EINVAL);
        return hc_error(XEN_EOPNOTSUPP);
    default:
        return hc_error(XEN_ENOSYS);
    }
}

} // namespace

namespace {

// update_va_mapping with the frame owner resolved (§4.6; FD for
// update_va_mapping_otherdomain): always the caller's own tables.
i64 update_va(Vcpu* v, u64 va, u64 pte, u64 flags, u16 pg_owner) {
    if (!xen::guest_addr_ok(va)) return hc_error(XEN_EINVAL);
    auto slot = find_l1_slot(current_l4_mfn(v), va);
    if (!slot.ok()) return hc_error(slot.error());
    Status s = page_types().mod_l1_entry(slot->table_mfn, slot->index, pte, v->domain->mm, false,
                                         pg_owner);
    if (!s.ok()) return hc_status(s);
    if (page_types().take_flush_request()) flush_domain_tlbs(v->domain);
    // Above the flush type: UVMF_LOCAL (0), UVMF_ALL, or a vCPU bitmap.
    u64 target = flags & ~xen::UVMF_FLUSHTYPE_MASK;
    if ((flags & xen::UVMF_FLUSHTYPE_MASK) != xen::UVMF_NONE && target != xen::UVMF_LOCAL &&
        target != xen::UVMF_ALL && !read_vcpumask(v, target).ok())
        return hc_error(XEN_EFAULT);
    switch (flags & xen::UVMF_FLUSHTYPE_MASK) {
    case xen::UVMF_TLB_FLUSH:
        flush_domain_tlbs(v->domain);
        break;
    case xen::UVMF_INVLPG:
        flush_domain_va(v->domain, va);
        break;
    default:
        break;
    }
    return 0;
}

} // namespace

i64 hc_update_va_mapping(Vcpu* v, const HypercallArgs& a) {
    return update_va(v, a.a[0], a.a[1], a.a[2], v->domain->id);
}

i64 hc_update_va_mapping_otherdomain(Vcpu* v, const HypercallArgs& a) {
    auto owner = frame_owner(v, static_cast<u16>(a.a[3]));
    if (!owner.ok()) return hc_error(owner.error());
    return update_va(v, a.a[0], a.a[1], a.a[2], *owner);
}

i64 hc_mmu_update(Vcpu* v, const HypercallArgs& a) {
    u64 reqs = a.a[0];
    u32 count = static_cast<u32>(a.a[1]) & 0x7FFFFFFF; // bit 31: continuations
    u64 done_ptr = a.a[2];
    u64 foreigndom = a.a[3] & 0xFFFFFFFF; // FD | (PFD + 1) << 16 (§4.4)
    auto pg_owner = frame_owner(v, static_cast<u16>(foreigndom));
    if (!pg_owner.ok()) return hc_error(pg_owner.error());
    auto pt_owner = table_owner(v, static_cast<u16>(foreigndom >> 16));
    if (!pt_owner.ok()) return hc_error(pt_owner.error());
    auto& types = page_types();
    const auto& mm = (*pt_owner)->mm;
    i64 rc = 0;
    u32 done = 0;
    for (; done < count; done++) {
        xen::MmuUpdate req;
        if (!read_guest(req, reqs + done * sizeof req).ok()) {
            rc = hc_error(XEN_EFAULT);
            break;
        }
        unsigned cmd = req.ptr & 7;
        u64 ptr = req.ptr & ~7ull;
        Status s;
        switch (cmd) {
        case xen::MMU_NORMAL_PT_UPDATE:
        case xen::MMU_PT_UPDATE_NO_TRANSLATE:
            s = types.update_pt_entry(ptr, req.val, mm, false, *pg_owner);
            break;
        case xen::MMU_PT_UPDATE_PRESERVE_AD:
            s = types.update_pt_entry(ptr, req.val, mm, true, *pg_owner);
            break;
        case xen::MMU_MACHPHYS_UPDATE: {
            u64 mfn = ptr >> kPageShift;
            if (!frame_table().is_ram(mfn) || frame_table()[mfn].owner != *pg_owner)
                s = XEN_EPERM;
            else
                m2p_set(mfn, req.val);
            break;
        }
        default:
            s = XEN_ENOSYS;
            break;
        }
        if (!s.ok()) {
            rc = hc_status(s);
            break;
        }
    }
    if (types.take_flush_request()) {
        flush_domain_tlbs(v->domain);
        if (*pt_owner != v->domain) flush_domain_tlbs(*pt_owner);
    }
    return finish_batch(done_ptr, done, rc);
}

i64 hc_mmuext_op(Vcpu* v, const HypercallArgs& a) {
    u64 ops = a.a[0];
    u32 count = static_cast<u32>(a.a[1]) & 0x7FFFFFFF;
    u64 done_ptr = a.a[2];
    if (!is_self(v, a.a[3] & 0xFFFF)) return hc_error(XEN_EPERM);
    i64 rc = 0;
    u32 done = 0;
    for (; done < count; done++) {
        xen::MmuextOp op;
        if (!read_guest(op, ops + done * sizeof op).ok()) {
            rc = hc_error(XEN_EFAULT);
            break;
        }
        rc = mmuext_one(v, op);
        if (rc) break;
    }
    if (page_types().take_flush_request()) flush_domain_tlbs(v->domain);
    return finish_batch(done_ptr, done, rc);
}
