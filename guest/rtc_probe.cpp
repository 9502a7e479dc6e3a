#include "guest/rtc_probe.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/core/time/calendar.hpp"

namespace guest {
namespace {

constexpr u8 kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08,
             kYear = 0x09, kStatusA = 0x0A, kStatusB = 0x0B;

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
    arch::outb(0x70, kStatusB);
    u8 latched = arch::inb(0x70);
    if (latched != kStatusB) return fail("the index port does not read back its latch", latched);

    if (!(si.flags & xen::SIF_INITDOMAIN)) {
        u8 data = arch::inb(0x71);
        if (data != 0xFF) return fail("a domU read the CMOS data port", data);
        printk("Glasshouse rtc: index latch reads back 0x%x, data port all-ones (no chip for "
               "a domU): ok\n",
               latched);
        return true;
    }

    // As the hypervisor's boot read: no update in progress, then two equal
    // snapshots in a row.
    u8 raw[6], again[6];
    const u8 regs[6] = {kSeconds, kMinutes, kHours, kDay, kMonth, kYear};
    for (unsigned tries = 0;; tries++) {
        while (cmos(kStatusA) & 0x80)
            arch::pause();
        for (unsigned i = 0; i < 6; i++)
            raw[i] = cmos(regs[i]);
        for (unsigned i = 0; i < 6; i++)
            again[i] = cmos(regs[i]);
        if (__builtin_memcmp(raw, again, sizeof raw) == 0) break;
        if (tries == 100) return fail("the RTC never read the same twice", tries);
    }
    u8 b = cmos(kStatusB);
    auto val = [b](u8 v) { return (b & 0x04) ? u32{v} : hvtime::bcd_to_binary(v); };
    u32 hour = val(raw[2] & 0x7F);
    if (!(b & 0x02)) hour = (hour % 12) + ((raw[2] & 0x80) ? 12 : 0);
    hvtime::CalendarTime t{2000 + val(raw[5]), val(raw[4]), val(raw[3]), hour,
                           val(raw[1]),        val(raw[0])};
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
