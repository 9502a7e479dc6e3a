// Domain control (hypercall 36, hv/abi/domctl.hpp): domain 0 creates, builds,
// pauses, unpauses, inspects and destroys domains. Order of checks as in
// Xen: copy-in, interface version, privilege, then the operation.
#include "hv/abi/domctl.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/core/mm/frame_census.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/domain/domain_ctl.hpp"
#include "hv/domain/domain_destroy.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/kernel/multiboot.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"

namespace {

constexpr u64 kMaxImageBytes = 64ull << 20;

// The domain a command names: never domain 0 itself for life-cycle
// operations, and never the caller.
Domain* target_domain(const Vcpu* v, u16 id) {
    Domain* d = domain_lookup(id);
    return d && d != v->domain ? d : nullptr;
}

i64 build(Vcpu* v, Domain* d, xen::DomctlBuild& b) {
    if (b.image_size == 0 || b.image_size > kMaxImageBytes) return hc_error(XEN_EINVAL);
    char cmdline[xen::MAX_GUEST_CMDLINE] = {};
    if (b.cmdline) {
        // Bytes up to the first NUL, at most the ABI's limit.
        for (usize i = 0; i + 1 < sizeof cmdline; i++) {
            if (!copy_from_guest(&cmdline[i], b.cmdline + i, 1).ok()) return hc_error(XEN_EFAULT);
            if (!cmdline[i]) break;
        }
    }
    // The image is copied into hypervisor memory first: domain 0 could change
    // its own copy while the builder reads it.
    u64 pages = page_round_up(b.image_size) >> kPageShift;
    auto buf = alloc_hv_frames(pages);
    if (!buf.ok()) return hc_error(XEN_ENOMEM);
    u8* image = static_cast<u8*>(map_frame(*buf));
    i64 rc = 0;
    if (!copy_from_guest(image, b.image, b.image_size).ok()) {
        rc = hc_error(XEN_EFAULT);
    } else {
        LoadStatus s = domain_build(d, image, b.image_size, cmdline);
        if (!s.ok()) {
            LOG_WARN("d%u: domain %u image refused: %s", v->domain->id, d->id, s.reason());
            rc = hc_error(s.error());
        } else {
            b.console_port = d->console_port;
            b.store_port = d->store_port;
            b.console_mfn = d->console_mfn;
            b.store_mfn = d->store_mfn;
        }
    }
    free_hv_frames(*buf, pages);
    return rc;
}

i64 boot_module(xen::DomctlBootModule& m) {
    const mb::BootInfo& boot = mb::boot_info();
    if (m.index >= boot.nr_modules) return hc_error(XEN_ENOENT);
    m.size = boot.modules[m.index].end - boot.modules[m.index].start;
    copy_string(m.cmdline, sizeof m.cmdline, boot.modules[m.index].cmdline);
    return 0;
}

i64 read_module(xen::DomctlReadModule& r) {
    const mb::BootInfo& boot = mb::boot_info();
    if (r.index >= boot.nr_modules) return hc_error(XEN_ENOENT);
    const mb::BootModule& mod = boot.modules[r.index];
    u64 size = mod.end - mod.start;
    if (r.offset > size) return hc_error(XEN_EINVAL);
    u64 n = r.length < size - r.offset ? r.length : size - r.offset;
    if (!copy_to_guest(r.buffer, arch::phys_to_virt<u8>(mod.start + r.offset), n).ok())
        return hc_error(XEN_EFAULT);
    r.length = n;
    return 0;
}

// Frames by owner; domain ids in this hypervisor stay below kCensusIds.
constexpr u16 kCensusIds = 256;
u64 g_census_owned[kCensusIds]; // under the hypervisor lock

void frame_census(xen::DomctlCensus& out) {
    mm::FrameCensus c = mm::take_census(frame_table(), g_census_owned, kCensusIds);
    out = {};
    out.total = c.total;
    out.free = c.free;
    out.allocator_free = hv_frames().free_frames();
    out.hypervisor = c.hypervisor;
    out.domains = c.domains;
    out.orphaned = c.orphaned;
    out.first_mismatch = xen::DOMID_INVALID;
    for (u16 id = 0; id < kCensusIds; id++) {
        Domain* d = domain_lookup(id);
        if (!d) {
            out.orphaned += g_census_owned[id]; // an owner that no longer exists
            out.domains -= g_census_owned[id];
            continue;
        }
        out.nr_domains++;
        if (g_census_owned[id] == d->nr_pages) continue;
        if (out.mismatched++ == 0) out.first_mismatch = id;
    }
}

} // namespace

i64 hc_domctl(Vcpu* v, const HypercallArgs& a) {
    xen::Domctl op;
    if (!read_guest(op, a.a[0]).ok()) return hc_error(XEN_EFAULT);
    if (op.interface_version != xen::GLASS_DOMCTL_INTERFACE_VERSION) return hc_error(XEN_EACCES);
    if (!v->domain->privileged) return hc_error(XEN_EPERM);

    i64 rc = 0;
    switch (op.cmd) {
    case xen::DOMCTL_createdomain: {
        auto d = domain_create(op.u.create);
        if (!d.ok()) return hc_error(d.error());
        op.domain = (*d)->id;
        LOG_INFO("d%u created: %u vCPUs, %lu pages, weight %u", (*d)->id, (*d)->nr_vcpus,
                 (*d)->max_pages, (*d)->share.weight);
        break;
    }
    case xen::DOMCTL_glass_build_pv: {
        Domain* d = target_domain(v, op.domain);
        if (!d) return hc_error(XEN_ESRCH);
        rc = build(v, d, op.u.build);
        break;
    }
    case xen::DOMCTL_pausedomain:
    case xen::DOMCTL_unpausedomain: {
        Domain* d = target_domain(v, op.domain);
        if (!d || d->state == DomainState::building || d->state == DomainState::dying)
            return hc_error(XEN_ESRCH);
        if (op.cmd == xen::DOMCTL_pausedomain)
            domain_pause_by_controller(d);
        else
            rc = hc_status(domain_unpause_by_controller(d));
        break;
    }
    case xen::DOMCTL_glass_hand_to_host: {
        Domain* d = target_domain(v, op.domain);
        if (!d || d->state == DomainState::building || d->state == DomainState::dying)
            return hc_error(XEN_ESRCH);
        rc = hc_status(domain_hand_pause_to_host(d));
        break;
    }
    case xen::DOMCTL_destroydomain: {
        Domain* d = target_domain(v, op.domain);
        if (!d) return hc_error(XEN_ESRCH);
        rc = hc_status(domain_destroy(d));
        break;
    }
    case xen::DOMCTL_getdomaininfo: {
        // The first domain whose id is >= the one asked for (Xen's iteration).
        Domain* d = nullptr;
        for (u32 id = op.domain; id < 256 && !d; id++)
            d = domain_lookup(static_cast<u16>(id));
        if (!d) return hc_error(XEN_ESRCH);
        op.domain = d->id;
        domain_fill_info(d, op.u.info);
        break;
    }
    case xen::DOMCTL_max_mem: {
        Domain* d = domain_lookup(op.domain);
        if (!d) return hc_error(XEN_ESRCH);
        if (op.u.max_mem.max_pages < d->nr_pages) return hc_error(XEN_EINVAL);
        d->max_pages = op.u.max_mem.max_pages;
        break;
    }
    case xen::DOMCTL_scheduler_op: {
        Domain* d = domain_lookup(op.domain);
        if (!d) return hc_error(XEN_ESRCH);
        if (op.u.sched.weight == 0 || op.u.sched.weight > 65535 ||
            op.u.sched.cap > 100 * d->nr_vcpus)
            return hc_error(XEN_EINVAL);
        d->share.weight = op.u.sched.weight;
        d->share.cap = op.u.sched.cap;
        break;
    }
    case xen::DOMCTL_glass_boot_module:
        rc = boot_module(op.u.module);
        break;
    case xen::DOMCTL_glass_read_module:
        rc = read_module(op.u.read);
        break;
    case xen::DOMCTL_glass_frame_census:
        frame_census(op.u.census);
        break;
    default:
        return hc_error(XEN_ENOSYS);
    }
    if (rc == 0 && !write_guest(a.a[0], op).ok()) return hc_error(XEN_EFAULT);
    return rc;
}
