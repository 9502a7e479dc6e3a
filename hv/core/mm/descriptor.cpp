#include "hv/core/mm/descriptor.hpp"

#include "hv/abi/layout.hpp"

namespace mm {

namespace {

// Fields of the descriptor's high dword.
constexpr u32 kSegPresent = 1u << 15;
constexpr u32 kSegDplShift = 13;
constexpr u32 kSegDpl = 3u << kSegDplShift;
constexpr u32 kSegCodeOrData = 1u << 12; // the S bit
constexpr u32 kSegType = 0xFu << 8;
constexpr u32 kTypeCallGate64 = 0xCu << 8;
// 64-bit call gate: bits 0..7 of the high dword are reserved (no param count).
constexpr u32 kGateReserved = 0xFF;

// A call gate may only lead to a guest GDT selector, an LDT selector or the
// flat kernel code segment; never into the hypervisor's reserved GDT page.
bool gate_selector_ok(u16 sel) {
    return (sel >> 3) < xen::FIRST_RESERVED_GDT_ENTRY || sel == xen::FLAT_KERNEL_CS ||
           (sel & 4) != 0;
}

} // namespace

bool check_descriptor(u64* desc) {
    u32 lo = static_cast<u32>(*desc);
    u32 hi = static_cast<u32>(*desc >> 32);

    // A not-present descriptor always faults when loaded, so it is harmless.
    if (!(hi & kSegPresent)) return true;

    u32 dpl = (hi & kSegDpl) >> kSegDplShift;
    if (dpl < 3) dpl = 3;
    hi = (hi & ~kSegDpl) | (dpl << kSegDplShift);

    if (!(hi & kSegCodeOrData)) {
        // Type 0 is the upper half of a 16-byte gate: harmless on its own.
        if ((hi & kSegType) == 0) return true;
        if ((hi & kSegType) != kTypeCallGate64) return false;
        u16 target = static_cast<u16>(lo >> 16);
        if (!gate_selector_ok(target)) return false;
        if (hi & kGateReserved) return false;
        // DPL 0 makes every use fault with the gate in the error code; the
        // guest's DPL is kept in the target selector's RPL for the emulator.
        hi &= ~kSegDpl;
        target = static_cast<u16>((target & ~3u) | dpl);
        lo = (lo & 0xFFFFu) | (static_cast<u32>(target) << 16);
    }

    *desc = (static_cast<u64>(hi) << 32) | lo;
    return true;
}

} // namespace mm
