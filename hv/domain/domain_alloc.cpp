#include "hv/domain/domain_alloc.hpp"

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
    g_domains[id] = d;
    return d;
}

Domain* domain_lookup(u16 id) {
    return id < kMaxDomains ? g_domains[id] : nullptr;
}
