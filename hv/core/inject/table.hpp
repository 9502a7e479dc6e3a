// The hypervisor's armed fault injections: arming, cancelling, matching the
// events the glue reports (hypercalls, breakpoints, page faults, event
// notifications, reservation increases) against triggers and effects, and
// counting. Portable: the glue (hv/inject/) does the actual damage and
// tells the table what it did (complete()); the table never touches a
// domain. Fixed capacity, no allocation: finished entries stay listable
// until their slot is needed again.
//
// Concurrency: one table, used under the hypervisor lock.
#pragma once

#include "hv/core/inject/spec.hpp"
#include "hv/lib/result.hpp"

namespace inject {

enum class State : u8 {
    Free,
    Armed,     // waiting for its trigger
    Active,    // triggered; waiting to be delivered or for its matching event
    Holding,   // EventDelay: a notification is held, the glue's timer runs
    Done,      // acted; `effect` says how
    Cancelled, // cancelled before it acted
};

struct Injection {
    u32 id = 0;
    State state = State::Free;
    Spec spec;
    u32 seen = 0;       // Trigger::Hypercall: matching calls so far
    u16 fired_vcpu = 0; // the vCPU a delivered injection goes to
    Effect effect = Effect::None;
    u64 detail = 0;
    // Trigger::Rip: the glue's planted int3 (the original byte).
    bool planted = false;
    u8 saved_byte = 0;
    u64 planted_l4 = 0;
};

struct HypercallVerdict {
    bool fail = false;
    i64 result = 0; // -errno when fail
    Injection* by = nullptr;
};

class InjectionTable {
  public:
    static constexpr usize kCapacity = 16;

    // Validates (spec_problem) and arms; Trigger::Now activates at once.
    // XEN_EINVAL for a bad spec, XEN_ENOSPC when every slot is in use.
    [[nodiscard]] Result<Injection*> arm(const Spec& s);
    // Armed or active injections only: XEN_ENOENT otherwise.
    [[nodiscard]] Status cancel(u32 id);
    Injection* find(u32 id);
    // Every slot in use (armed, active or finished), by index.
    const Injection* at(usize i) const { return i < kCapacity ? &slots_[i] : nullptr; }

    // --- events from the glue (domain, vCPU of the event)
    // A hypercall is about to run: hypercall triggers count and fire;
    // then a matching active HypercallFail answers for it.
    HypercallVerdict hypercall(u16 dom, u16 vcpu, u32 nr, u32 subop);
    // A page fault is about to be delivered to the guest.
    void page_fault(u16 dom, u16 vcpu);
    // An int3 the glue planted for a rip trigger was hit: the injection,
    // now active (the glue restores the byte), or nullptr if none is ours.
    Injection* breakpoint(u16 dom, u16 vcpu, u64 addr);
    // A notification of `port` is about to be raised in dom: the matching
    // active event or ring injection, or nullptr (raise normally).
    Injection* notification(u16 dom, u32 port);
    // A reservation increase of dom: an active MemoryRefuse, or nullptr.
    Injection* reservation_increase(u16 dom);

    // --- work for the glue
    // A delivered injection waiting for dom/vcpu's next guest entry.
    Injection* next_delivery(u16 dom, u16 vcpu);
    // An active immediate injection (event raise) the glue must perform.
    Injection* next_immediate();
    // Armed rip triggers the glue has not planted yet.
    Injection* next_unplanted();
    // EventDelay: the glue holds a notification until its timer fires.
    void hold(Injection* i) {
        if (i && i->state == State::Active) i->state = State::Holding;
    }
    // Records what an injection did; it is then finished.
    void complete(Injection* i, Effect e, u64 detail = 0);
    // The domain is gone: its unfinished injections end as DomainGone
    // (the glue calls complete() for each, so they are traced too).
    Injection* next_of_domain(u16 dom);

    // Cheap test for the hot paths: anything armed or active at all.
    bool idle() const { return live_ == 0; }

  private:
    void activate(Injection& i, u16 vcpu);
    u32 next_id_ = 1;
    usize live_ = 0; // armed + active + holding
    Injection slots_[kCapacity];
};

} // namespace inject
