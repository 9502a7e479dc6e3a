#include "hv/domain/domain_alloc.hpp"

#include "hv/arch/x86_64/paging.hpp"
#include "hv/introspect/publish.hpp"
#include "hv/kernel/log.hpp"
#include "hv/mm/machine_mm.hpp"

#include <new>

namespace {
constexpr unsigned kMaxDomains = 256;
Domain* g_domains[kMaxDomains];
} // namespace

Domain* domain_alloc(u16 id) {
    if (id >= kMaxDomains || g_domains[id]) return nullptr;
    u64 pages = page_round_up(sizeof(Domain)) >> kPageShift;
    auto first = alloc_hv_frames(pages);
    if (!first.ok()) return nullptr;
    auto* d = new (map_frame(*first)) Domain();
    d->id = id;
    for (unsigned i = 0; i < kMaxVcpus; i++) {
        d->vcpus[i].domain = d;
        d->vcpus[i].id = i;
    }
    introspect_generation_begin();
    g_domains[id] = d;
    introspect_generation_end();
    return d;
}

void domain_release_struct(Domain* d) {
    u16 id = d->id;
    introspect_generation_begin(); // until the storage is freed
    if (id < kMaxDomains && g_domains[id] == d) g_domains[id] = nullptr;
    u64 pages = page_round_up(sizeof(Domain)) >> kPageShift;
    u64 first = arch::virt_to_phys(d) >> kPageShift;
    d->~Domain();
    free_hv_frames(first, pages);
    introspect_generation_end();
}

Domain* const* domain_registry(unsigned& count) {
    count = kMaxDomains;
    return g_domains;
}

Domain* domain_lookup(u16 id) {
    return id < kMaxDomains ? g_domains[id] : nullptr;
}
