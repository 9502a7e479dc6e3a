#include "hv/core/inject/spec.hpp"

#include "hv/abi/hypercalls.hpp"

namespace inject {

namespace {

// memory_op keeps an extent start above the command (MEMOP_EXTENT_SHIFT).
constexpr u64 kMemopCmdMask = 0x3f;

constexpr u32 kMaxHypercall = 64;

} // namespace

const char* spec_problem(const Spec& s) {
    if (static_cast<unsigned>(s.kind) >= kKinds) return "unknown kind";
    if (s.trigger == Trigger::Hypercall) {
        if (s.on_hypercall >= kMaxHypercall) return "trigger hypercall number out of range";
        if (s.count == 0) return "trigger count must be at least 1";
    }
    if (s.trigger == Trigger::Rip && s.rip == 0) return "rip trigger needs an address";
    if (!is_exception(s.kind) && s.kind != Kind::Crash && s.vcpu != kAnyVcpu)
        return "vcpu applies only to exceptions and crash";
    switch (s.kind) {
    case Kind::EventRaise:
    case Kind::EventDrop:
        if (s.port == 0) return "needs port (port 0 is never bound)";
        break;
    case Kind::EventDelay:
        if (s.port == 0) return "needs port (port 0 is never bound)";
        if (s.delay_ns == 0) return "needs a delay";
        if (s.delay_ns > 60'000'000'000ull) return "delay over 60 s";
        break;
    case Kind::HypercallFail:
        if (s.hypercall >= kMaxHypercall) return "hypercall number out of range";
        if (s.error == 0 || s.error > 200) return "needs errno (a Xen errno, 1-200)";
        break;
    case Kind::RingCorrupt:
    case Kind::RingReorder: {
        const RingTarget& r = s.ring;
        if (r.slot_size == 0 || r.slot_size > 4096) return "needs slot size (1-4096)";
        if (r.slots == 0 || (r.slots & (r.slots - 1))) return "slots must be a power of two";
        if (r.header < 16 || u64{r.header} + u64{r.slot_size} * r.slots > 4096)
            return "ring does not fit one page";
        if (s.kind == Kind::RingCorrupt) {
            if (r.field_size != 1 && r.field_size != 2 && r.field_size != 4 && r.field_size != 8)
                return "field size must be 1, 2, 4 or 8";
            if (u64{r.field_offset} + r.field_size > r.slot_size)
                return "field lies outside the slot";
        }
        break;
    }
    case Kind::Crash:
        if (!s.reason[0]) return "needs a reason";
        break;
    default:
        break;
    }
    return nullptr;
}

u32 hypercall_subop(u32 nr, u64 first_arg) {
    switch (nr) {
    case xen::HC_memory_op:
        return static_cast<u32>(first_arg & kMemopCmdMask);
    case xen::HC_xen_version:
    case xen::HC_console_io:
    case xen::HC_grant_table_op:
    case xen::HC_vm_assist:
    case xen::HC_vcpu_op:
    case xen::HC_sched_op:
    case xen::HC_callback_op:
    case xen::HC_event_channel_op:
    case xen::HC_physdev_op:
        return static_cast<u32>(first_arg);
    default:
        return kAnySubop;
    }
}

} // namespace inject
