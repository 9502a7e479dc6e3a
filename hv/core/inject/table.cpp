#include "hv/core/inject/table.hpp"

namespace inject {

namespace {

bool live(State s) {
    return s == State::Armed || s == State::Active || s == State::Holding;
}

bool matches_call(u32 want_nr, u32 want_sub, u32 nr, u32 sub) {
    return want_nr == nr && (want_sub == kAnySubop || want_sub == sub);
}

} // namespace

Result<Injection*> InjectionTable::arm(const Spec& s) {
    if (spec_problem(s)) return XEN_EINVAL;
    // A free slot, else the oldest finished one.
    Injection* slot = nullptr;
    for (Injection& i : slots_) {
        if (i.state == State::Free) {
            slot = &i;
            break;
        }
        if (!live(i.state) && (!slot || i.id < slot->id)) slot = &i;
    }
    if (!slot) return XEN_ENOSPC;
    *slot = Injection{};
    slot->id = next_id_++;
    slot->spec = s;
    slot->state = State::Armed;
    live_++;
    if (s.trigger == Trigger::Now) activate(*slot, s.vcpu == kAnyVcpu ? 0 : s.vcpu);
    return slot;
}

Injection* InjectionTable::find(u32 id) {
    for (Injection& i : slots_)
        if (i.state != State::Free && i.id == id) return &i;
    return nullptr;
}

Status InjectionTable::cancel(u32 id) {
    Injection* i = find(id);
    // A held notification belongs to the glue's timer: it completes it.
    if (!i || (i->state != State::Armed && i->state != State::Active)) return XEN_ENOENT;
    i->state = State::Cancelled;
    live_--;
    return Status{};
}

void InjectionTable::activate(Injection& i, u16 vcpu) {
    i.state = State::Active;
    i.fired_vcpu = i.spec.vcpu == kAnyVcpu ? vcpu : i.spec.vcpu;
}

HypercallVerdict InjectionTable::hypercall(u16 dom, u16 vcpu, u32 nr, u32 subop) {
    HypercallVerdict v;
    if (idle()) return v;
    for (Injection& i : slots_) {
        if (i.state != State::Armed || i.spec.domain != dom ||
            i.spec.trigger != Trigger::Hypercall ||
            !matches_call(i.spec.on_hypercall, i.spec.on_subop, nr, subop))
            continue;
        if (++i.seen >= i.spec.count) activate(i, vcpu);
    }
    // The call that fired a trigger can itself be the one that fails.
    for (Injection& i : slots_) {
        if (i.state != State::Active || i.spec.domain != dom ||
            i.spec.kind != Kind::HypercallFail ||
            !matches_call(i.spec.hypercall, i.spec.subop, nr, subop))
            continue;
        v.fail = true;
        v.result = -static_cast<i64>(i.spec.error);
        v.by = &i;
        return v;
    }
    return v;
}

void InjectionTable::page_fault(u16 dom, u16 vcpu) {
    if (idle()) return;
    for (Injection& i : slots_)
        if (i.state == State::Armed && i.spec.domain == dom && i.spec.trigger == Trigger::PageFault)
            activate(i, vcpu);
}

Injection* InjectionTable::breakpoint(u16 dom, u16 vcpu, u64 addr) {
    for (Injection& i : slots_) {
        if (i.state != State::Armed || !i.planted || i.spec.domain != dom ||
            i.spec.trigger != Trigger::Rip || i.spec.rip != addr)
            continue;
        activate(i, vcpu);
        return &i;
    }
    return nullptr;
}

Injection* InjectionTable::notification(u16 dom, u32 port) {
    if (idle()) return nullptr;
    for (Injection& i : slots_) {
        Kind k = i.spec.kind;
        bool ring = k == Kind::RingCorrupt || k == Kind::RingReorder;
        // A ring injection without a port watches every notification of the
        // domain (the frontend's port is chosen at connection time).
        if (i.spec.domain != dom || (i.spec.port != port && !(ring && i.spec.port == 0))) continue;
        bool event_kind = ring || k == Kind::EventDrop || k == Kind::EventDelay;
        // While a delayed notification is held, later ones merge into it:
        // an event channel is a pending bit, not a queue.
        if (event_kind && (i.state == State::Active || i.state == State::Holding)) return &i;
    }
    return nullptr;
}

Injection* InjectionTable::reservation_increase(u16 dom) {
    if (idle()) return nullptr;
    for (Injection& i : slots_)
        if (i.state == State::Active && i.spec.domain == dom && i.spec.kind == Kind::MemoryRefuse)
            return &i;
    return nullptr;
}

Injection* InjectionTable::next_delivery(u16 dom, u16 vcpu) {
    if (idle()) return nullptr;
    for (Injection& i : slots_)
        if (i.state == State::Active && class_of(i.spec.kind) == Class::Delivered &&
            i.spec.domain == dom && i.fired_vcpu == vcpu)
            return &i;
    return nullptr;
}

Injection* InjectionTable::next_immediate() {
    if (idle()) return nullptr;
    for (Injection& i : slots_)
        if (i.state == State::Active && class_of(i.spec.kind) == Class::Immediate) return &i;
    return nullptr;
}

Injection* InjectionTable::next_unplanted() {
    if (idle()) return nullptr;
    for (Injection& i : slots_)
        if (i.state == State::Armed && i.spec.trigger == Trigger::Rip && !i.planted) return &i;
    return nullptr;
}

Injection* InjectionTable::next_of_domain(u16 dom) {
    if (idle()) return nullptr;
    for (Injection& i : slots_)
        if (live(i.state) && i.spec.domain == dom) return &i;
    return nullptr;
}

void InjectionTable::complete(Injection* i, Effect e, u64 detail) {
    if (!i || !live(i->state)) return;
    i->state = State::Done;
    i->effect = e;
    i->detail = detail;
    live_--;
}

} // namespace inject
