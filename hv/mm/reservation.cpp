#include "hv/mm/reservation.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/guest_walk.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/tlb.hpp"

namespace {

// A removed frame's last reference went (PageTypes::put_page): it is free
// in the frame table already; give it back to the allocator. The caller
// of the put flushes TLBs (take_flush_request) before returning to any
// guest, and nothing allocates in between, so no stale translation can
// reach the frame's next owner.
void release_frame(void*, u64 mfn, u16 owner) {
    m2p_set(mfn, ~0ull);
    if (!hv_frames().free(mfn, 1).ok()) panic("released frame %lx was not allocated", mfn);
    if (Domain* d = domain_lookup(owner); d && d->nr_pages) d->nr_pages--;
}

// Installed on first use: only memory_op removes frames, so no frame can
// be marked removed before this runs.
void ensure_release_hook() {
    static bool installed;
    if (installed) return;
    page_types().set_release_hook(release_frame, nullptr);
    installed = true;
}

} // namespace

mm::MemopLimits memop_limits(const Domain* caller) {
    mm::MemopLimits lim;
    // Xen: 12 (hardware/control domain) and 9 (superpage) for others.
    lim.max_order = caller->privileged ? 12 : 9;
    lim.multipage = caller->mm.io_mem_allowed;
    lim.hardware_domain = caller->privileged;
    // Widths that cover every machine frame need no restriction.
    u64 bits = kPageShift;
    while ((1ull << (bits - kPageShift)) < machine_frames())
        bits++;
    lim.address_bits_floor = static_cast<unsigned>(bits);
    return lim;
}

DomainExtentOps::DomainExtentOps(Domain* target) : d_(target) {
    ensure_release_hook();
}

bool DomainExtentOps::list_ok(u64 list, u64 first, u64 last) {
    // Xen's guest_handle_subrange_okay: [list + 8*first, list + 8*(last+1))
    // lies in guest address space, without wrapping.
    if (first > last || last >= (1ull << 60)) return false;
    u64 start = list + first * 8;
    u64 end = list + last * 8 + 7;
    if (start < list || end < start) return false;
    return xen::guest_addr_ok(start) && xen::guest_addr_ok(end) &&
           (end < (1ull << 47) || start >= xen::HYPERVISOR_VIRT_END);
}

bool DomainExtentOps::read(u64 list, u64 index, u64& value) {
    return read_guest(value, list + index * 8).ok();
}

bool DomainExtentOps::write(u64 list, u64 index, u64 value) {
    return write_guest(list + index * 8, value).ok();
}

Result<u64> DomainExtentOps::alloc(unsigned order, unsigned address_bits) {
    u64 n = 1ull << order;
    if (!mm::fits_reservation(d_->nr_pages, d_->max_pages, n)) return XEN_ENOMEM;
    // A frame freed by this call may still be cached in a TLB: flush before
    // it can be handed out again.
    if (page_types().take_flush_request()) flush_domain_tlbs(d_);
    auto first = hv_frames().alloc(n, n);
    if (!first.ok()) return first;
    bool fits = !address_bits || ((*first + n) << kPageShift) <= (1ull << address_bits);
    if (!fits || !frame_table().assign(*first, n, d_->id)) {
        (void)hv_frames().free(*first, n); // just allocated
        return XEN_ENOMEM;
    }
    memset(map_frame(*first), 0, n << kPageShift);
    d_->nr_pages += n;
    return first;
}

void DomainExtentOps::unalloc(u64 mfn, unsigned order) {
    u64 n = 1ull << order;
    // Cannot fail: nothing referenced the frames since alloc.
    (void)frame_table().release(mfn, n);
    (void)hv_frames().free(mfn, n);
    d_->nr_pages -= n;
}

Status DomainExtentOps::remove(u64 mfn) {
    // Frames freed here are uncharged by release_frame.
    auto r = page_types().remove_page(mfn, d_->id);
    if (!r.ok()) return r.error();
    return {};
}

Status DomainExtentOps::steal(u64 mfn) {
    TRY(page_types().steal_page(mfn, d_->id));
    d_->nr_pages--;
    return {};
}

void DomainExtentOps::unsteal(u64 mfn) {
    // Cannot fail: stolen frames stay unreferenced until freed.
    (void)frame_table().assign(mfn, 1, d_->id);
    d_->nr_pages++;
}

void DomainExtentOps::free_stolen(u64 mfn) {
    m2p_set(mfn, ~0ull);
    if (!hv_frames().free(mfn, 1).ok()) panic("exchanged frame %lx was not allocated", mfn);
}

void DomainExtentOps::set_m2p(u64 mfn, u64 pfn) {
    m2p_set(mfn, pfn);
}

u64 m2p_bytes() {
    return page_round_up(machine_frames() * 8);
}

u64 m2p_chunk_mfn(u64 chunk) {
    // The M2P is mapped with 4 KiB pages in the hypervisor's tables; the
    // frame behind each 2 MiB chunk's first page is what guests are told.
    auto slot =
        find_l1_slot(arch::hv_l4_phys() >> kPageShift, xen::MACH2PHYS_VIRT_START + (chunk << 21));
    if (!slot.ok()) return ~0ull;
    u64 e = mm::pte_read(static_cast<u64*>(map_frame(slot->table_mfn)) + slot->index);
    return mm::pte_present(e) ? mm::pte_mfn(e) : ~0ull;
}
