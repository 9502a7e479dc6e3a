// The kinds of fault injection and the effects they can have, with their
// names: header-only and freestanding, because the hypervisor, the host
// tools and the trace reader (traces/names.cpp, FaultInjected records)
// all spell them the same way.
#pragma once

#include "hv/lib/types.hpp"

namespace inject {

enum class Kind : u8 {
    PageFault,         // #PF with cr2 and error_code
    GeneralProtection, // #GP with error_code
    InvalidOpcode,     // #UD
    Debug,             // #DB
    Nmi,               // through the guest's NMI callback
    EventRaise,        // set `port` pending (a notification nobody sent)
    EventDrop,         // swallow the next notification of `port`
    EventDelay,        // hold the next notification of `port` for delay_ns
    HypercallFail,     // the next `hypercall`[.`subop`] returns -`error`
    RingCorrupt,       // overwrite a field of the next response on a ring
    RingReorder,       // swap the next two responses on a ring
    MemoryRefuse,      // the next reservation increase gets no frames
    Crash,             // crash the domain, logging `reason`
};
constexpr unsigned kKinds = 13;

// What an injection did, for the listing and the trace.
enum class Effect : u8 {
    None,
    Delivered,     // exception bounced to the guest (detail: guest rip)
    NoHandler,     // exception had no guest handler: the domain crashed
    NmiNoCallback, // NMI dropped: no NMI callback and no trap-table entry
    Raised,        // event port set pending
    Dropped,       // notification swallowed
    Delayed,       // notification raised late (detail: ns held)
    Failed,        // hypercall answered -errno (detail: sub-op)
    Corrupted,     // ring response field overwritten (detail: ring index)
    Reordered,     // two ring responses swapped (detail: first index)
    Refused,       // reservation increase given nothing
    Crashed,       // domain crashed
    DomainGone,    // the domain ended first
    Unplantable,   // rip trigger: the address is not mapped writable-by-us
};

inline constexpr const char* kKindNames[kKinds] = {
    "pf",           "gp",           "ud",
    "db",           "nmi",          "evtchn-raise",
    "evtchn-drop",  "evtchn-delay", "hypercall-fail",
    "ring-corrupt", "ring-reorder", "memory-refuse",
    "crash",
};

inline const char* kind_name(Kind k) {
    unsigned i = static_cast<unsigned>(k);
    return i < kKinds ? kKindNames[i] : "?";
}

inline bool kind_from_name(const char* s, usize len, Kind& out) {
    for (unsigned i = 0; i < kKinds; i++) {
        const char* n = kKindNames[i];
        usize j = 0;
        while (j < len && n[j] && n[j] == s[j])
            j++;
        if (j == len && !n[j]) {
            out = static_cast<Kind>(i);
            return true;
        }
    }
    return false;
}

inline const char* effect_name(Effect e) {
    switch (e) {
    case Effect::None:
        return "none";
    case Effect::Delivered:
        return "delivered";
    case Effect::NoHandler:
        return "no-handler";
    case Effect::NmiNoCallback:
        return "nmi-no-callback";
    case Effect::Raised:
        return "raised";
    case Effect::Dropped:
        return "dropped";
    case Effect::Delayed:
        return "delayed";
    case Effect::Failed:
        return "failed";
    case Effect::Corrupted:
        return "corrupted";
    case Effect::Reordered:
        return "reordered";
    case Effect::Refused:
        return "refused";
    case Effect::Crashed:
        return "crashed";
    case Effect::DomainGone:
        return "domain-gone";
    case Effect::Unplantable:
        return "unplantable";
    }
    return "?";
}

} // namespace inject
