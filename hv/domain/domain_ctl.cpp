#include "hv/domain/domain_ctl.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/domain/pv_builder.hpp"
#include "hv/kernel/log.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/trace/recorder.hpp"
#include "traces/record.hpp"

using glass::trace::DomainEventKind;

namespace {
constexpr unsigned kMaxDomainId = 255;
constexpr u64 kMinDomainPages = 256; // 1 MiB: image, tables, rings
} // namespace

Result<Domain*> domain_create(const xen::DomctlCreate& p) {
    if (p.max_vcpus == 0 || p.max_vcpus > kMaxVcpus) return XEN_EINVAL;
    if (p.max_pages < kMinDomainPages || p.cap > 100 * kMaxVcpus) return XEN_EINVAL;
    for (u16 id = 1; id <= kMaxDomainId; id++) {
        if (domain_lookup(id)) continue;
        Domain* d = domain_alloc(id);
        if (!d) return XEN_ENOMEM;
        d->nr_vcpus = p.max_vcpus;
        d->max_pages = p.max_pages;
        d->share.weight = p.weight ? p.weight : sched::kDefaultWeight;
        d->share.cap = p.cap;
        d->pause_count = d->controller_pauses = 1; // like Xen: waits for its first unpause
        d->state = DomainState::building;
        trace::domain_event(d->id, static_cast<u32>(DomainEventKind::Create), 0, p.max_pages);
        return d;
    }
    return XEN_ENOSPC;
}

LoadStatus domain_build(Domain* d, const u8* image, u64 size, const char* cmdline) {
    if (d->state != DomainState::building)
        return LoadStatus::fail(XEN_EEXIST, "domain %u is already built", d->id);
    PvBuildRequest req{image, size, d->max_pages, d->nr_vcpus, cmdline, false};
    TRY_LOAD(build_pv_domain(d, req));
    d->state = DomainState::running; // runs once unpaused
    trace::domain_event(d->id, static_cast<u32>(DomainEventKind::Build), 0, d->nr_pages);
    return {};
}

void domain_free_unbuilt(Domain* d) {
    domain_release_struct(d);
}

void domain_pause(Domain* d) {
    d->pause_count++;
    trace::domain_event(d->id, static_cast<u32>(DomainEventKind::Pause), 0, d->pause_count);
    // A vCPU running elsewhere leaves its CPU at the next entry; kick it.
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        vcpu_kick(&d->vcpus[i]);
}

Status domain_unpause(Domain* d) {
    if (d->pause_count == 0) return XEN_EINVAL;
    trace::domain_event(d->id, static_cast<u32>(DomainEventKind::Unpause), 0, d->pause_count - 1);
    if (--d->pause_count == 0)
        for (unsigned i = 0; i < d->nr_vcpus; i++)
            if (d->vcpus[i].state == VcpuState::runnable) vcpu_wake(&d->vcpus[i]);
    return {};
}

void domain_pause_by_controller(Domain* d) {
    d->controller_pauses++;
    domain_pause(d);
}

Status domain_unpause_by_controller(Domain* d) {
    if (d->controller_pauses == 0) return XEN_EINVAL;
    d->controller_pauses--;
    return domain_unpause(d);
}

Status domain_hand_pause_to_host(Domain* d) {
    if (d->controller_pauses == 0) return XEN_EINVAL;
    d->controller_pauses--;
    d->host_pauses++;
    return {};
}

Status domain_unpause_by_host(Domain* d) {
    if (d->host_pauses == 0) return XEN_EINVAL;
    d->host_pauses--;
    return domain_unpause(d);
}

void domain_fill_info(const Domain* d, xen::DomctlInfo& out) {
    out = {};
    out.domid = d->id;
    switch (d->state) {
    case DomainState::building:
        out.state = xen::DOMINFO_building;
        break;
    case DomainState::running:
    case DomainState::paused:
        out.state = d->pause_count ? xen::DOMINFO_paused : xen::DOMINFO_running;
        break;
    case DomainState::shutdown:
        out.state = xen::DOMINFO_shutdown;
        break;
    case DomainState::crashed:
        out.state = xen::DOMINFO_crashed;
        break;
    case DomainState::dying:
        out.state = xen::DOMINFO_dying;
        break;
    }
    out.shutdown_reason = static_cast<u8>(d->shutdown_reason);
    out.nr_vcpus = d->nr_vcpus;
    out.nr_pages = d->nr_pages;
    out.max_pages = d->max_pages;
    u64 now = arch::now_ns();
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        const auto& rs = d->vcpus[i].runstate;
        out.cpu_time_ns += rs.time[xen::RUNSTATE_running];
        if (rs.state == xen::RUNSTATE_running) out.cpu_time_ns += now - rs.state_entry_time;
    }
    out.pause_count = d->pause_count;
    out.weight = d->share.weight;
    out.cap = d->share.cap;
}
