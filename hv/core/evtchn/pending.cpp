#include "hv/core/evtchn/pending.hpp"

namespace {

constexpr u64 port_bit(u32 port) {
    return 1ull << (port % kEvtchnPortsPerWord);
}
constexpr u32 port_word(u32 port) {
    return port / kEvtchnPortsPerWord;
}

// Atomic test-and-set / test-and-clear of `bit` in a guest-shared word; the
// return value is whether the bit was set before.
bool test_and_set(u64& word, u64 bit) {
    return (__atomic_fetch_or(&word, bit, __ATOMIC_SEQ_CST) & bit) != 0;
}
bool test_and_clear(u64& word, u64 bit) {
    return (__atomic_fetch_and(&word, ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}
bool test(const u64& word, u64 bit) {
    return (__atomic_load_n(&word, __ATOMIC_SEQ_CST) & bit) != 0;
}

// Set the selector bit of `port`'s word and, if that is new, the upcall flag.
// Returns whether the upcall flag went 0 -> 1. When the selector bit was
// already set the guest has not yet scanned that word, and it will see this
// port when it does, so no new upcall is needed.
bool mark_selector_and_upcall(xen::VcpuInfo& vi, u32 port) {
    if (test_and_set(vi.evtchn_pending_sel, 1ull << port_word(port))) return false;
    return __atomic_exchange_n(&vi.evtchn_upcall_pending, u8{1}, __ATOMIC_SEQ_CST) == 0;
}

} // namespace

RaiseResult evtchn_set_pending(xen::SharedInfo& shared, xen::VcpuInfo& notify_vcpu_info, u32 port) {
    RaiseResult r;
    if (port >= kEvtchnMaxPorts) return r;
    if (test_and_set(shared.evtchn_pending[port_word(port)], port_bit(port))) return r;
    r.newly_pending = true;
    if (!test(shared.evtchn_mask[port_word(port)], port_bit(port)))
        r.upcall_raised = mark_selector_and_upcall(notify_vcpu_info, port);
    return r;
}

bool evtchn_unmask(xen::SharedInfo& shared, xen::VcpuInfo& notify_vcpu_info, u32 port) {
    if (port >= kEvtchnMaxPorts) return false;
    // Only the caller that actually clears the mask redoes the step, so two
    // racing unmasks cannot both raise.
    if (!test_and_clear(shared.evtchn_mask[port_word(port)], port_bit(port))) return false;
    if (!test(shared.evtchn_pending[port_word(port)], port_bit(port))) return false;
    return mark_selector_and_upcall(notify_vcpu_info, port);
}

void evtchn_clear_pending(xen::SharedInfo& shared, u32 port) {
    if (port >= kEvtchnMaxPorts) return;
    __atomic_fetch_and(&shared.evtchn_pending[port_word(port)], ~port_bit(port), __ATOMIC_SEQ_CST);
}

bool evtchn_is_pending(const xen::SharedInfo& shared, u32 port) {
    return port < kEvtchnMaxPorts && test(shared.evtchn_pending[port_word(port)], port_bit(port));
}

bool evtchn_is_masked(const xen::SharedInfo& shared, u32 port) {
    return port < kEvtchnMaxPorts && test(shared.evtchn_mask[port_word(port)], port_bit(port));
}

bool evtchn_upcall_deliverable(const xen::VcpuInfo& vcpu_info) {
    return __atomic_load_n(&vcpu_info.evtchn_upcall_pending, __ATOMIC_SEQ_CST) != 0 &&
           __atomic_load_n(&vcpu_info.evtchn_upcall_mask, __ATOMIC_SEQ_CST) == 0;
}
