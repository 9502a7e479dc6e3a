#include "hv/inject/injector.hpp"

#include "hv/abi/xen.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/core/inject/ring_tamper.hpp"
#include "hv/debug/guest_va.hpp"
#include "hv/domain/crash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/kernel/log.hpp"
#include "hv/mm/grant_map.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/time/timer.hpp"
#include "hv/trace/recorder.hpp"
#include "hv/traps/bounce.hpp"

using inject::Effect;
using inject::Injection;
using inject::Kind;

namespace {

constexpr u8 kInt3 = 0xCC;

// EventDelay: one timer per table slot, raising the held port when it fires.
hvtime::Timer g_delay_timers[inject::InjectionTable::kCapacity];

// Every injection's effect passes here once: a FaultInjected record in the
// trace (hv/trace) and a log line.
void trace_injection(const Injection& i) {
    LOG_INFO("inject #%u %s d%u: %s (detail %lx)", i.id, inject::kind_name(i.spec.kind),
             i.spec.domain, inject::effect_name(i.effect), i.detail);
    Domain* d = domain_lookup(i.spec.domain);
    Vcpu* v = d && i.fired_vcpu < d->nr_vcpus ? &d->vcpus[i.fired_vcpu] : nullptr;
    const inject::Spec& s = i.spec;
    u8 vector = inject::is_exception(s.kind) ? inject::vector_of(s.kind) : 0xff;
    u32 error = s.kind == Kind::HypercallFail ? s.error : s.error_code;
    trace::fault_injected(v, vector, error, i.detail, static_cast<u8>(static_cast<u8>(s.kind) + 1),
                          static_cast<u8>(i.effect));
}

void finish(Injection* i, Effect e, u64 detail = 0) {
    g_injections.complete(i, e, detail);
    trace_injection(*i);
}

u64 domain_kernel_l4(const Domain* d) {
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i].kernel_l4_mfn) return d->vcpus[i].kernel_l4_mfn;
    return 0;
}

void raise_now(Injection* i) {
    Domain* d = domain_lookup(i->spec.domain);
    if (!d || !evtchn_port_in_use(d, i->spec.port)) return finish(i, Effect::DomainGone);
    finish(i, Effect::Raised, i->spec.port); // finished first: the filter lets it through
    evtchn_raise(d, i->spec.port);
}

void run_immediates() {
    while (Injection* i = g_injections.next_immediate())
        raise_now(i);
}

// Plants the int3 of a rip trigger in the domain's kernel address space.
bool plant(Injection* i) {
    Domain* d = domain_lookup(i->spec.domain);
    u64 l4 = d ? domain_kernel_l4(d) : 0;
    u8 saved;
    if (!l4 || guest_va_read(l4, i->spec.rip, &saved, 1) != 1 || saved == kInt3 ||
        !guest_va_write(l4, i->spec.rip, &kInt3, 1))
        return false;
    i->planted = true;
    i->saved_byte = saved;
    i->planted_l4 = l4;
    return true;
}

void unplant(Injection* i) {
    if (!i->planted) return;
    (void)guest_va_write(i->planted_l4, i->spec.rip, &i->saved_byte, 1); // domain may be gone
    i->planted = false;
}

void delay_expired(hvtime::Timer* t, u64) {
    auto* i = static_cast<Injection*>(t->owner);
    if (i->state != inject::State::Holding) return;
    Domain* d = domain_lookup(i->spec.domain);
    finish(i, d ? Effect::Delayed : Effect::DomainGone, i->spec.delay_ns);
    if (d && evtchn_port_in_use(d, i->spec.port)) evtchn_raise(d, i->spec.port);
}

void hold(Injection* i) {
    g_injections.hold(i);
    usize slot = 0;
    while (g_injections.at(slot) != i)
        slot++;
    hvtime::Timer& t = g_delay_timers[slot];
    t.fn = delay_expired;
    t.owner = i;
    timer_arm(&t, arch::now_ns() + i->spec.delay_ns);
}

// The ring page: the frame the frontend granted under spec.ring.gref, once
// the backend has it mapped (pinned), and still the frontend's.
u8* ring_page(Domain* d, const inject::RingTarget& r) {
    DomainGrants* g = domain_grants(d);
    if (!g || r.gref >= g->table.nr_entries()) return nullptr;
    const grant::ActiveEntry& a = g->table.active(r.gref);
    if (!a.pinned() || !frame_table().is_ram(a.mfn) || frame_table()[a.mfn].owner != d->id)
        return nullptr;
    return arch::phys_to_virt<u8>(a.mfn << 12);
}

void tamper_ring(Domain* d, Injection* i) {
    u8* page = ring_page(d, i->spec.ring);
    if (!page) return; // not connected yet: stays armed
    u32 index = 0;
    if (i->spec.kind == Kind::RingCorrupt) {
        if (inject::corrupt_newest_response(page, i->spec.ring, index))
            finish(i, Effect::Corrupted, index);
    } else if (inject::swap_newest_responses(page, i->spec.ring, index)) {
        finish(i, Effect::Reordered, index);
    }
}

void deliver_exception(Vcpu* v, Regs& r, Injection* i) {
    const inject::Spec& s = i->spec;
    u8 vec = inject::vector_of(s.kind);
    if (s.kind == Kind::Nmi) {
        // A PV guest takes NMIs through its NMI callback (CALLBACKTYPE_nmi);
        // Xen drops them when there is none.
        if (v->nmi_cb.address) {
            finish(i, Effect::Delivered, r.rip);
            (void)bounce_to(v, r, v->nmi_cb.address, true, false,
                            0); // crashes the domain on failure
        } else {
            finish(i, Effect::NmiNoCallback, r.rip);
        }
        return;
    }
    finish(i, v->traps[vec].address ? Effect::Delivered : Effect::NoHandler, r.rip);
    if (s.kind == Kind::PageFault)
        inject_page_fault(v, s.cr2, s.error_code);
    else if (s.kind == Kind::GeneralProtection)
        inject_trap_error(v, vec, s.error_code);
    else
        inject_trap(v, vec);
}

} // namespace

inject::InjectionTable g_injections;

const inject::InjectionTable& injector_table() {
    return g_injections;
}

Result<u32> injector_arm(const inject::Spec& s) {
    Domain* d = domain_lookup(s.domain);
    if (!d || d->state == DomainState::building || d->state == DomainState::dying) return XEN_ESRCH;
    if (s.vcpu != inject::kAnyVcpu && s.vcpu >= d->nr_vcpus) return XEN_ESRCH;
    auto armed = g_injections.arm(s);
    if (!armed) return armed.error();
    Injection* i = *armed;
    LOG_INFO("inject #%u armed for d%u: %s", i->id, s.domain, inject::kind_name(s.kind));
    if (s.trigger == inject::Trigger::Rip && !plant(i)) {
        (void)g_injections.cancel(i->id); // armed a moment ago: cannot fail
        return XEN_EFAULT;
    }
    run_immediates();
    return i->id;
}

Status injector_cancel(u32 id) {
    Injection* i = g_injections.find(id);
    if (i && i->state == inject::State::Armed) unplant(i);
    return g_injections.cancel(id);
}

bool injector_hypercall_slow(Vcpu* v, u64 nr, const HypercallArgs& args, i64& result) {
    u16 dom = v->domain->id;
    u32 sub = inject::hypercall_subop(static_cast<u32>(nr), args.a[0]);
    inject::HypercallVerdict verdict =
        g_injections.hypercall(dom, static_cast<u16>(v->id), static_cast<u32>(nr), sub);
    run_immediates();
    if (!verdict.fail) return false;
    result = verdict.result;
    finish(verdict.by, Effect::Failed, sub);
    return true;
}

bool injector_deliver_slow(Vcpu* v, Regs& r) {
    if (v->pending_trap.pending) return false; // the queued trap goes first
    Injection* i = g_injections.next_delivery(v->domain->id, static_cast<u16>(v->id));
    if (!i) return false;
    if (i->spec.kind == Kind::Crash) {
        finish(i, Effect::Crashed, r.rip);
        domain_crash(v->domain, "injected: %s", i->spec.reason);
        return true;
    }
    deliver_exception(v, r, i);
    return v->domain->state == DomainState::crashed;
}

bool injector_breakpoint(Vcpu* v, Regs& r) {
    if (g_injections.idle()) return false;
    Injection* i = g_injections.breakpoint(v->domain->id, static_cast<u16>(v->id), r.rip - 1);
    if (!i) return false;
    unplant(i);
    r.rip -= 1; // the instruction the int3 replaced runs when the guest resumes
    run_immediates();
    return true;
}

bool injector_page_fault(Vcpu* v) {
    if (g_injections.idle()) return false;
    u16 dom = v->domain->id;
    g_injections.page_fault(dom, static_cast<u16>(v->id));
    run_immediates();
    return g_injections.next_delivery(dom, static_cast<u16>(v->id)) != nullptr;
}

bool injector_notification_slow(Domain* d, u32 port) {
    Injection* i = g_injections.notification(d->id, port);
    if (!i) return false;
    switch (i->spec.kind) {
    case Kind::EventDrop:
        finish(i, Effect::Dropped, port);
        return true;
    case Kind::EventDelay:
        if (i->state == inject::State::Active) hold(i);
        return true; // held, or merged into the held one
    default:
        tamper_ring(d, i);
        return false;
    }
}

bool injector_refuse_reservation(Domain* d) {
    Injection* i = g_injections.reservation_increase(d->id);
    if (!i) return false;
    finish(i, Effect::Refused);
    return true;
}

void injector_domain_gone(Domain* d) {
    while (Injection* i = g_injections.next_of_domain(d->id)) {
        if (i->state == inject::State::Holding) {
            usize slot = 0;
            while (g_injections.at(slot) != i)
                slot++;
            timer_cancel(&g_delay_timers[slot]);
        }
        i->planted = false; // its memory is going: nothing to restore
        finish(i, Effect::DomainGone);
    }
}
