// What a fault injection is: its kind, its target (domain, vCPU), the
// condition that fires it, and the kind's parameters. Plain data, shared by
// the hypervisor's injection table (table.hpp), the wire text the control
// port carries (spec_text.hpp) and the host tools that build it.
//
// Two stages. The trigger (`Trigger`) arms nothing but the injection
// itself: now, at the Nth matching hypercall, when a vCPU reaches a guest
// RIP, or at the domain's next page fault. Once triggered, an injection is
// active and acts according to its class:
//   delivered  exceptions and crash: on the target vCPU's next entry into
//              the guest (so a paused domain sees them when it runs again)
//   immediate  event raise: at once
//   matched    hypercall fail, event drop/delay, ring corrupt/reorder,
//              memory refuse: at the next matching event (that hypercall,
//              a notification of that port, a reservation increase)
#pragma once

#include "hv/core/inject/kinds.hpp"

namespace inject {

constexpr u16 kAnyVcpu = 0xffff;
constexpr u32 kAnySubop = 0xffffffff;
constexpr usize kReasonMax = 64;

enum class Class : u8 { Delivered, Immediate, Matched };

constexpr Class class_of(Kind k) {
    switch (k) {
    case Kind::EventRaise:
        return Class::Immediate;
    case Kind::EventDrop:
    case Kind::EventDelay:
    case Kind::HypercallFail:
    case Kind::RingCorrupt:
    case Kind::RingReorder:
    case Kind::MemoryRefuse:
        return Class::Matched;
    default:
        return Class::Delivered;
    }
}

constexpr bool is_exception(Kind k) {
    return k <= Kind::Nmi;
}

// The architectural vector an exception kind delivers.
constexpr u8 vector_of(Kind k) {
    switch (k) {
    case Kind::PageFault:
        return 14;
    case Kind::GeneralProtection:
        return 13;
    case Kind::InvalidOpcode:
        return 6;
    case Kind::Debug:
        return 1;
    default:
        return 2; // NMI
    }
}

enum class Trigger : u8 {
    Now,
    Hypercall, // the `count`th call of on_hypercall[.on_subop] by the domain
    Rip,       // a vCPU of the domain executes the instruction at `rip`
    PageFault, // the domain's next page fault (before the guest sees it)
};

// A response ring in the shape of Xen's io/ring.h, as the frontend domain
// granted it: the shared page is the frame of grant reference `gref` in the
// frontend's grant table; responses are `slot_size`-byte slots after a
// `header`-byte header whose third u32 is rsp_prod and fourth rsp_event.
struct RingTarget {
    u32 gref = 0;
    u32 header = 64;
    u32 slot_size = 0;
    u32 slots = 0;        // power of two
    u32 field_offset = 0; // corrupt: the field within the response slot
    u8 field_size = 0;    // 1, 2, 4 or 8
    u64 value = 0;        // corrupt: what the field becomes
};

struct Spec {
    Kind kind = Kind::Crash;
    u16 domain = 0;
    u16 vcpu = kAnyVcpu; // exceptions: which vCPU (any: the triggering one, else 0)

    Trigger trigger = Trigger::Now;
    u32 on_hypercall = 0;
    u32 on_subop = kAnySubop;
    u32 count = 1; // Trigger::Hypercall: fire at this occurrence (>= 1)
    u64 rip = 0;

    u64 cr2 = 0;        // PageFault
    u32 error_code = 0; // PageFault, GeneralProtection
    u32 port = 0;       // event kinds; ring kinds: the frontend's port (0: any)
    u64 delay_ns = 0;   // EventDelay
    u32 hypercall = 0;  // HypercallFail
    u32 subop = kAnySubop;
    u32 error = 0; // HypercallFail: a Xen errno (positive)
    RingTarget ring;
    char reason[kReasonMax] = {}; // Crash
};

// Why a spec cannot be armed, or nullptr when it can. Checks what the spec
// alone decides (ranges, required parameters), not whether the domain
// exists.
const char* spec_problem(const Spec& s);

// The sub-operation of a hypercall, for matching: the command in the first
// argument for the families that have one, kAnySubop for the others.
u32 hypercall_subop(u32 nr, u64 first_arg);

} // namespace inject
