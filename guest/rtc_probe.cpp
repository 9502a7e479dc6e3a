#include "guest/rtc_probe.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/core/time/rtc_clock.hpp"

namespace guest {
namespace {

// IN and OUT trap to the hypervisor (the guest kernel runs in ring 3),
// which emulates them: these are the instructions a driver would use.
u8 cmos(u8 reg) {
    arch::outb(0x70, reg);
    return arch::inb(0x71);
}

u64 wall_clock_now() {
    const volatile xen::SharedInfo* si = shared_info();
    u64 wc = (static_cast<u64>(si->wc_sec_hi) << 32) | si->wc_sec;
    return wc + system_time_ns() / 1000000000ull;
}

bool fail(const char* what, u64 value) {
    printk("Glasshouse rtc: FAILED: %s (0x%lx)\n", what, value);
    return false;
}

} // namespace

bool run_rtc_probe(const xen::StartInfo& si) {
    u32 iopl = 1; // the guest kernel's virtual privilege level
    if (long rc =
            hypercall2<xen::HC_physdev_op>(xen::PHYSDEVOP_set_iopl, reinterpret_cast<u64>(&iopl)))
        return fail("PHYSDEVOP_set_iopl", static_cast<u64>(rc));
    arch::outb(0x70, hvtime::rtc_reg::kStatusB);
    u8 latched = arch::inb(0x70);
    if (latched != hvtime::rtc_reg::kStatusB)
        return fail("the index port does not read back its latch", latched);

    if (!(si.flags & xen::SIF_INITDOMAIN)) {
        u8 data = arch::inb(0x71);
        if (data != 0xFF) return fail("a domU read the CMOS data port", data);
        printk("Glasshouse rtc: index latch reads back 0x%x, data port all-ones (no chip for "
               "a domU): ok\n",
               latched);
        return true;
    }

    // The hypervisor's own boot read, through trapped IN/OUT instead.
    hvtime::CalendarTime t = hvtime::rtc_calendar_time(hvtime::read_rtc_registers(cmos));
    u64 rtc = hvtime::seconds_since_epoch(t);
    u64 wall = wall_clock_now();
    u64 gap = rtc > wall ? rtc - wall : wall - rtc;
    // The wall clock is the boot-time RTC plus system time; they drift
    // apart only by the RTC's second granularity (and TCG's timing).
    if (gap > 2) return fail("CMOS time and wall clock differ by seconds", gap);
    printk("Glasshouse rtc: CMOS reads %u-%02u-%02u %02u:%02u:%02u (unix %lu), wall clock %lu: "
           "ok\n",
           t.year, t.month, t.day, t.hour, t.minute, t.second, rtc, wall);
    return true;
}

} // namespace guest
