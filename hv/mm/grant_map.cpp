#include "hv/mm/grant_map.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/core/grant/grant_pte.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/mm/guest_walk.hpp"
#include "hv/mm/machine_mm.hpp"

#include <new>

using namespace xen;

namespace {

constexpr unsigned kMaxDomains = 256;
GrantSlot g_grants[kMaxDomains];

} // namespace

const GrantSlot* grant_registry(unsigned& count) {
    count = kMaxDomains;
    return g_grants;
}

namespace {

DomainGrants* grants_by_id(u16 id) {
    return id < kMaxDomains ? g_grants[id].grants : nullptr;
}

void free_grants(u16 id) {
    GrantSlot& s = g_grants[id];
    s.grants->table.release();
    s.grants->~DomainGrants();
    free_hv_frames(s.first_mfn, s.pages);
    s = GrantSlot{};
}

Result<u64> alloc_frames(void*, u64 count, u16 share_with) {
    auto first = alloc_hv_frames(count);
    if (!first) return first.error();
    if (share_with != DOMID_INVALID)
        for (u64 m = *first; m < *first + count; m++) {
            // Cannot fail: alloc_hv_frames made them hypervisor frames.
            (void)frame_table().share_with(m, share_with);
        }
    return first;
}

void free_frames(void*, u64 first, u64 count) {
    free_hv_frames(first, count);
}

// An L1 entry named by the guest: a VA in its current address space, or
// (contains_pte) the machine address of the entry, which must be aligned
// (xsa-227: a misaligned address would corrupt two neighbouring entries).
// Whether the frame really is an L1 of the caller is checked by the
// typing core when the entry is written.
Result<L1Slot> locate_l1e(Vcpu* v, u64 addr, bool contains_pte) {
    if (contains_pte) {
        if (addr & (sizeof(u64) - 1)) return XEN_EINVAL;
        return L1Slot{addr >> kPageShift,
                      static_cast<unsigned>((addr & (kPageSize - 1)) / sizeof(u64))};
    }
    if (!guest_addr_ok(addr)) return XEN_EINVAL;
    return find_l1_slot(current_l4_mfn(v), addr);
}

// Takes the frame references of the parts in `flags` and writes the host
// PTE. On failure nothing is held.
Gntst map_parts(Vcpu* v, const GnttabMapGrantRef& op, u64 mfn, u16 granter) {
    auto& pt = page_types();
    const auto& mm = v->domain->mm;
    bool writable = !(op.flags & GNTMAP_readonly);
    bool dev = op.flags & GNTMAP_device_map;
    if (dev && !pt.get_grant_ref(mfn, granter, writable)) return GNTST_general_error;
    if (op.flags & GNTMAP_host_map) {
        Status s = pt.get_grant_ref(mfn, granter, writable);
        if (s) {
            auto slot = locate_l1e(v, op.host_addr, op.flags & GNTMAP_contains_pte);
            s = slot ? pt.install_grant_pte(slot->table_mfn, slot->index,
                                            grant::grant_pte(mfn, op.flags, mm), mm)
                     : Status(slot.error());
            if (!s) pt.put_grant_ref(mfn, writable);
        }
        if (!s) {
            if (dev) pt.put_grant_ref(mfn, writable);
            return GNTST_general_error;
        }
    }
    return GNTST_okay;
}

// Removes the host PTE of mapping m at host_addr, putting the entry stolen
// from new_addr (unmap_and_replace) or nothing in its place.
Gntst unmap_host(Vcpu* v, const grant::MaptrackEntry& m, const GrantUnmap& op) {
    auto& pt = page_types();
    const auto& mm = v->domain->mm;
    u64 replacement = 0;
    if (op.replace && op.new_addr) {
        auto from = locate_l1e(v, op.new_addr, false);
        if (!from) return GNTST_general_error;
        auto stolen = pt.steal_l1_entry(from->table_mfn, from->index, mm);
        if (!stolen) return GNTST_general_error;
        replacement = *stolen;
    }
    auto slot = locate_l1e(v, op.host_addr, m.flags & GNTMAP_contains_pte);
    Status s = slot ? pt.replace_grant_pte(slot->table_mfn, slot->index, m.mfn,
                                           !(m.flags & GNTMAP_readonly), replacement, mm)
                    : Status(slot.error());
    if (!s) {
        // We still own the stolen entry: release what it held.
        pt.put_l1_entry(replacement);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

} // namespace

DomainGrants::DomainGrants(u16 domid)
    : table(domid, frame_table(), mm::PhysMem(arch::phys_to_virt<u64>(0), machine_frames()),
            grant::FrameSource{nullptr, alloc_frames, free_frames}) {}

DomainGrants* domain_grants(Domain* d) {
    if (d->id >= kMaxDomains) return nullptr;
    GrantSlot& s = g_grants[d->id];
    if (s.dying) return nullptr;
    if (s.grants) return s.grants;
    u64 pages = page_round_up(sizeof(DomainGrants)) >> kPageShift;
    auto first = alloc_hv_frames(pages);
    if (!first) return nullptr;
    s.grants = new (map_frame(*first)) DomainGrants(d->id);
    s.first_mfn = *first;
    s.pages = pages;
    return s.grants;
}

void grant_domain_release(Domain* d) {
    DomainGrants* g = grants_by_id(d->id);
    if (!g || g_grants[d->id].dying) return;
    for (u32 h = 0; h < grant::Maptrack::kEntries; h++) {
        grant::MaptrackEntry* m = g->maptrack.lookup(h);
        if (!m) continue;
        DomainGrants* rg = grants_by_id(m->domid);
        if (m->flags & GNTMAP_device_map)
            page_types().put_grant_ref(m->mfn, !(m->flags & GNTMAP_readonly));
        if (rg) {
            rg->table.unpin(m->ref,
                            m->flags & (GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly));
            if (rg != g && g_grants[m->domid].dying && !rg->table.any_pinned())
                free_grants(m->domid);
        }
        g->maptrack.free(h);
    }
    if (g->table.any_pinned())
        g_grants[d->id].dying = true;
    else
        free_grants(d->id);
}

Gntst grant_map(Vcpu* v, GnttabMapGrantRef& op) {
    Domain* ld = v->domain;
    if (!(op.flags & (GNTMAP_host_map | GNTMAP_device_map))) return GNTST_bad_gntref;
    Domain* rd = domain_lookup(op.dom == DOMID_SELF ? ld->id : op.dom);
    if (!rd || rd->state == DomainState::dying) return GNTST_bad_domain;
    DomainGrants* lg = domain_grants(ld);
    DomainGrants* rg = domain_grants(rd);
    if (!lg || !rg) return GNTST_no_space;

    u32 how = op.flags & (GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly);
    auto handle = lg->maptrack.alloc(how, op.ref, rd->id);
    if (!handle) return GNTST_no_space;
    u64 mfn = 0;
    Gntst s = rg->table.pin(op.ref, ld->id, how, &mfn);
    if (s == GNTST_okay) {
        s = map_parts(v, op, mfn, rd->id);
        if (s != GNTST_okay) rg->table.unpin(op.ref, how);
    }
    if (s != GNTST_okay) {
        lg->maptrack.free(*handle);
        return s;
    }
    grant::MaptrackEntry* m = lg->maptrack.lookup(*handle);
    m->flags = op.flags & (how | GNTMAP_contains_pte);
    m->mfn = mfn;
    op.handle = *handle;
    op.dev_bus_addr = mfn << kPageShift;
    return GNTST_okay;
}

Gntst grant_unmap(Vcpu* v, const GrantUnmap& op) {
    DomainGrants* lg = domain_grants(v->domain);
    grant::MaptrackEntry* m = lg ? lg->maptrack.lookup(op.handle) : nullptr;
    if (!m) return GNTST_bad_handle;
    // By id: the granter may have been destroyed since (its table is dying).
    DomainGrants* rg = grants_by_id(m->domid);
    if (!rg) return GNTST_general_error;
    if (op.dev_bus_addr && op.dev_bus_addr != m->mfn << kPageShift) return GNTST_bad_dev_addr;

    u32 done = 0;
    if (op.host_addr && (m->flags & GNTMAP_host_map)) {
        if (Gntst s = unmap_host(v, *m, op); s != GNTST_okay) return s;
        done |= GNTMAP_host_map;
    }
    if (op.dev_bus_addr && (m->flags & GNTMAP_device_map)) done |= GNTMAP_device_map;
    if (!done) return GNTST_okay;

    // Exactly the references of the parts removed (xsa-224).
    bool writable = !(m->flags & GNTMAP_readonly);
    if (done & GNTMAP_device_map) page_types().put_grant_ref(m->mfn, writable);
    if (done & GNTMAP_host_map) page_types().put_grant_ref(m->mfn, writable);
    rg->table.unpin(m->ref, done | (m->flags & GNTMAP_readonly));
    if (g_grants[m->domid].dying && !rg->table.any_pinned()) free_grants(m->domid);
    m->flags &= ~done;
    if (!(m->flags & (GNTMAP_host_map | GNTMAP_device_map))) lg->maptrack.free(op.handle);
    return GNTST_okay;
}
