#include "hv/mm/wpt.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/mm/pte.hpp"
#include "hv/core/x86/pte_store.hpp"
#include "hv/domain/domain.hpp"
#include "hv/mm/guest_walk.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/tlb.hpp"
#include "hv/traps/priv_op.hpp"

namespace {

constexpr u32 kPfPresent = 1u << 0, kPfWrite = 1u << 1, kPfReserved = 1u << 3, kPfFetch = 1u << 4;

// Regs keeps registers in push order; the decoder uses encoding order.
u64* gpr_slot(Regs& r, unsigned i) {
    u64* slots[16] = {&r.rax, &r.rcx, &r.rdx, &r.rbx, &r.rsp, &r.rbp, &r.rsi, &r.rdi,
                      &r.r8,  &r.r9,  &r.r10, &r.r11, &r.r12, &r.r13, &r.r14, &r.r15};
    return slots[i];
}

} // namespace

bool wpt_emulate(Vcpu* v, Regs& r, u64 cr2) {
    Domain* d = v->domain;
    if (!(d->vm_assist & (1ull << xen::VMASST_TYPE_writable_pagetables))) return false;
    // A write to a present read-only page, not a fetch or a reserved bit.
    u32 ec = r.error_code;
    if ((ec & (kPfPresent | kPfWrite)) != (kPfPresent | kPfWrite) ||
        (ec & (kPfReserved | kPfFetch)))
        return false;
    if (!v->kernel_mode || !xen::guest_addr_ok(cr2)) return false;

    // The faulting page must be one of the domain's L1 tables.
    auto slot = find_l1_slot(v->kernel_l4_mfn, cr2);
    if (!slot.ok()) return false;
    u64 map_e = mm::pte_read(static_cast<u64*>(map_frame(slot->table_mfn)) + slot->index);
    if (!mm::pte_present(map_e) || (map_e & mm::PTE_RW)) return false;
    u64 l1_mfn = mm::pte_mfn(map_e);
    auto& ft = frame_table();
    if (!ft.is_ram(l1_mfn) || ft[l1_mfn].owner != d->id ||
        ft.active_type(l1_mfn) != mm::FrameType::L1)
        return false;

    // The instruction must be an 8-byte store to exactly cr2.
    u8 insn[15];
    usize n = fetch_guest_insn(r, insn, sizeof insn);
    x86::PteStore store;
    if (!x86::decode_pte_store(insn, n, store)) return false;
    u64 gpr[16];
    for (unsigned i = 0; i < 16; i++)
        gpr[i] = *gpr_slot(r, i);
    if (x86::pte_store_address(store, gpr, r.rip) != cr2) return false;
    // A whole entry, or one byte of it: never a store across two entries.
    if (store.width == 8 && (cr2 & 7)) return false;

    unsigned index = static_cast<unsigned>((cr2 & (kPageSize - 1)) / 8);
    u64 old = mm::pte_read(static_cast<u64*>(map_frame(l1_mfn)) + index);
    u64 rflags = r.rflags, new_value = 0;
    if (x86::apply_pte_store(store, old, gpr, rflags, new_value, static_cast<unsigned>(cr2 & 7))) {
        // Validated exactly as mmu_update would; a refused entry is the
        // guest's #PF, with nothing changed.
        if (!page_types().mod_l1_entry(l1_mfn, index, new_value, d->mm).ok()) return false;
        if (page_types().take_flush_request()) flush_domain_tlbs(d);
    }
    // Commit the instruction's register results only now.
    for (unsigned i = 0; i < 16; i++)
        *gpr_slot(r, i) = gpr[i];
    r.rflags = rflags;
    r.rip += store.length;
    return true;
}
