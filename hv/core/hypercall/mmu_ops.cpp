// Moved from hv/hypercall/mmu.cpp unchanged in behaviour: the hypervisor
// glue there now only implements MmuCaller.
#include "hv/core/hypercall/mmu_ops.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/abi/xen.hpp"

namespace hcore {

namespace {

i64 hc_status(Status s) {
    return s.as_hypercall_result();
}
i64 hc_error(XenErrno e) {
    return -static_cast<i64>(e);
}

bool is_self(MmuCaller& c, u64 domid) {
    u16 id = static_cast<u16>(domid);
    return id == xen::DOMID_SELF || id == c.mm().id;
}

// Writes the number of completed requests to the guest's `done` pointer.
i64 finish_batch(MmuCaller& c, u64 done_ptr, u32 done, i64 rc) {
    if (done_ptr && !c.memory().write_obj(done_ptr, done).ok() && rc == 0)
        return hc_error(XEN_EFAULT);
    return rc;
}

// Reads the guest's vCPU bitmap (TLB_FLUSH_MULTI, INVLPG_MULTI,
// UVMF_MULTI): one bit per vCPU in 8-byte words, read as far as the domain
// has vCPUs, as Xen's vcpumask_to_pcpumask does. Until vCPUs run on several
// CPUs every flush is this CPU's, so only readability matters.
Status read_vcpumask(MmuCaller& c, u64 ptr) {
    unsigned n = c.nr_vcpus();
    for (unsigned word = 0; word * 64 < n; word++) {
        u64 bits;
        TRY(c.memory().read_obj(bits, ptr + word * 8ull));
    }
    return {};
}

i64 pin_or_unpin(mm::PageTypes& types, MmuCaller& c, const xen::MmuextOp& op) {
    const auto& mm = c.mm();
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

i64 new_base(mm::PageTypes& types, MmuCaller& c, u64 mfn, bool user) {
    u64& slot = c.base_pointer(user);
    if (user && mfn == 0) {
        if (slot) types.put_base_pointer(slot);
        slot = 0;
        return 0;
    }
    if (!types.get_base_pointer(mfn, c.mm()).ok()) return hc_error(XEN_EINVAL);
    u64 old = slot;
    slot = mfn;
    if (user == !c.kernel_mode()) c.load_cr3(mfn);
    if (old) types.put_base_pointer(old);
    return 0;
}

i64 mmuext_one(mm::PageTypes& types, MmuCaller& c, const xen::MmuextOp& op) {
    switch (op.cmd) {
    case xen::MMUEXT_PIN_L1_TABLE:
    case xen::MMUEXT_PIN_L2_TABLE:
    case xen::MMUEXT_PIN_L3_TABLE:
    case xen::MMUEXT_PIN_L4_TABLE:
    case xen::MMUEXT_UNPIN_TABLE:
        return pin_or_unpin(types, c, op);
    case xen::MMUEXT_NEW_BASEPTR:
        return new_base(types, c, op.arg1, false);
    case xen::MMUEXT_NEW_USER_BASEPTR:
        return new_base(types, c, op.arg1, true);
    case xen::MMUEXT_TLB_FLUSH_MULTI:
        // An unreadable bitmap is -EINVAL here (Xen), -EFAULT for UVMF_MULTI.
        if (!read_vcpumask(c, op.arg2).ok()) return hc_error(XEN_EINVAL);
        [[fallthrough]];
    case xen::MMUEXT_TLB_FLUSH_LOCAL:
    case xen::MMUEXT_TLB_FLUSH_ALL:
        c.flush_tlbs();
        return 0;
    case xen::MMUEXT_INVLPG_MULTI:
        if (!read_vcpumask(c, op.arg2).ok()) return hc_error(XEN_EINVAL);
        [[fallthrough]];
    case xen::MMUEXT_INVLPG_LOCAL:
    case xen::MMUEXT_INVLPG_ALL:
        if (xen::guest_addr_ok(op.arg1)) c.flush_va(op.arg1);
        return 0;
    case xen::MMUEXT_FLUSH_CACHE:
    case xen::MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!c.mm().cache_flush_permitted) return hc_error(XEN_EACCES);
        c.flush_cache();
        return 0;
    case xen::MMUEXT_SET_LDT: {
        u64 base = op.arg1, ents = op.arg2;
        if ((base & (kPageSize - 1)) || !xen::guest_addr_ok(base) || ents > 8192)
            return hc_error(XEN_EINVAL);
        c.set_ldt(base, static_cast<u32>(ents));
        return 0;
    }
    case xen::MMUEXT_CLEAR_PAGE:
    case xen::MMUEXT_COPY_PAGE: {
        const auto& mm = c.mm();
        if (!types.get_page_and_type(op.arg1, mm::FrameType::Writable, mm).ok())
            return hc_error(XEN_EINVAL);
        i64 rc = 0;
        u64* dst = types.mem().frame(op.arg1);
        if (op.cmd == xen::MMUEXT_CLEAR_PAGE) {
            __builtin_memset(dst, 0, kPageSize);
        } else if (types.get_page(op.arg2, mm.id).ok()) {
            __builtin_memcpy(dst, types.mem().frame(op.arg2), kPageSize);
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
        if (!types.frames().is_ram(op.arg1)) return hc_error(XEN_EINVAL);
        return hc_error(XEN_EOPNOTSUPP);
    default:
        return hc_error(XEN_ENOSYS);
    }
}

} // namespace

Result<L1Slot> find_l1_slot(const mm::FrameTable& frames, const mm::PhysMem& mem, u64 l4_mfn,
                            u64 va) {
    u64 table = l4_mfn;
    for (unsigned level = 4; level > 1; level--) {
        if (!frames.is_ram(table) || !mem.contains(table)) return XEN_EINVAL;
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;
        u64 e = mm::pte_read(mem.frame(table) + idx);
        if (!mm::pte_present(e) || (level <= 3 && (e & mm::PTE_PS))) return XEN_EINVAL;
        table = mm::pte_mfn(e);
    }
    if (!frames.is_ram(table)) return XEN_EINVAL;
    return L1Slot{table, static_cast<unsigned>((va >> 12) & 511)};
}

i64 update_va_mapping(mm::PageTypes& types, MmuCaller& c, u64 va, u64 pte, u64 flags,
                      u16 pg_owner) {
    if (!xen::guest_addr_ok(va)) return hc_error(XEN_EINVAL);
    auto slot = find_l1_slot(types.frames(), types.mem(), c.base_pointer(!c.kernel_mode()), va);
    if (!slot.ok()) return hc_error(slot.error());
    Status s = types.mod_l1_entry(slot->table_mfn, slot->index, pte, c.mm(), false, pg_owner);
    if (!s.ok()) return hc_status(s);
    if (types.take_flush_request()) c.flush_tlbs();
    // Above the flush type: UVMF_LOCAL (0), UVMF_ALL, or a vCPU bitmap.
    u64 target = flags & ~xen::UVMF_FLUSHTYPE_MASK;
    if ((flags & xen::UVMF_FLUSHTYPE_MASK) != xen::UVMF_NONE && target != xen::UVMF_LOCAL &&
        target != xen::UVMF_ALL && !read_vcpumask(c, target).ok())
        return hc_error(XEN_EFAULT);
    switch (flags & xen::UVMF_FLUSHTYPE_MASK) {
    case xen::UVMF_TLB_FLUSH:
        c.flush_tlbs();
        break;
    case xen::UVMF_INVLPG:
        c.flush_va(va);
        break;
    default:
        break;
    }
    return 0;
}

i64 update_va_mapping_otherdomain(mm::PageTypes& types, MmuCaller& c, u64 va, u64 pte, u64 flags,
                                  u64 domid) {
    auto owner = c.frame_owner(static_cast<u16>(domid));
    if (!owner.ok()) return hc_error(owner.error());
    return update_va_mapping(types, c, va, pte, flags, *owner);
}

i64 mmu_update(mm::PageTypes& types, MmuCaller& c, u64 reqs, u64 count_arg, u64 done_ptr,
               u64 foreigndom_arg) {
    u32 count = static_cast<u32>(count_arg) & 0x7FFFFFFF; // bit 31: continuations
    u64 foreigndom = foreigndom_arg & 0xFFFFFFFF;         // FD | (PFD + 1) << 16 (§4.4)
    auto pg_owner = c.frame_owner(static_cast<u16>(foreigndom));
    if (!pg_owner.ok()) return hc_error(pg_owner.error());
    auto pt_owner = c.table_owner(static_cast<u16>(foreigndom >> 16));
    if (!pt_owner.ok()) return hc_error(pt_owner.error());
    const auto& mm = *pt_owner->mm;
    mm::FrameTable& frames = types.frames();
    i64 rc = 0;
    u32 done = 0;
    for (; done < count; done++) {
        xen::MmuUpdate req;
        if (!c.memory().read_obj(req, reqs + done * sizeof req).ok()) {
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
            if (!frames.is_ram(mfn) || frames[mfn].owner != *pg_owner)
                s = XEN_EPERM;
            else
                c.m2p_set(mfn, req.val);
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
        c.flush_tlbs();
        if (!pt_owner->is_caller) c.flush_owner_tlbs();
    }
    return finish_batch(c, done_ptr, done, rc);
}

i64 mmuext_op(mm::PageTypes& types, MmuCaller& c, u64 ops, u64 count_arg, u64 done_ptr, u64 domid) {
    u32 count = static_cast<u32>(count_arg) & 0x7FFFFFFF;
    if (!is_self(c, domid & 0xFFFF)) return hc_error(XEN_EPERM);
    i64 rc = 0;
    u32 done = 0;
    for (; done < count; done++) {
        xen::MmuextOp op;
        if (!c.memory().read_obj(op, ops + done * sizeof op).ok()) {
            rc = hc_error(XEN_EFAULT);
            break;
        }
        rc = mmuext_one(types, c, op);
        if (rc) break;
    }
    if (types.take_flush_request()) c.flush_tlbs();
    return finish_batch(c, done_ptr, done, rc);
}

} // namespace hcore
