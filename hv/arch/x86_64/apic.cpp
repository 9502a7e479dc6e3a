#include "hv/arch/x86_64/apic.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/kernel/log.hpp"

namespace arch {

namespace {
constexpr u32 kRegEoi = 0xB0;
constexpr u32 kRegSpurious = 0xF0;
constexpr u32 kRegLvtTimer = 0x320;
constexpr u32 kRegTimerInitial = 0x380;
constexpr u32 kRegTimerCurrent = 0x390;
constexpr u32 kRegTimerDivide = 0x3E0;
constexpr u32 kLvtMasked = 1u << 16;
constexpr u32 kLvtPeriodic = 1u << 17;

volatile u32* g_apic;
u64 g_tsc_hz;
u64 g_apic_hz; // timer counts per second at divide-by-16
u64 g_ticks;
u64 g_tsc_boot;
hvtime::TimeScale g_tsc_scale;

u32 read(u32 reg) {
    return g_apic[reg / 4];
}
void write(u32 reg, u32 v) {
    g_apic[reg / 4] = v;
}

// PIT channel 2 counts down at 1.193182 MHz with its gate on port 0x61; used
// once to learn the TSC and APIC timer rates.
void pit_wait_10ms() {
    constexpr u16 kCount = 11932; // 10 ms
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xB0); // channel 2, lobyte/hibyte, mode 0
    outb(0x42, kCount & 0xFF);
    outb(0x42, kCount >> 8);
    while (!(inb(0x61) & 0x20))
        pause();
}
// The legacy 8259 PICs deliver the BIOS's timer on vector 8 (the #DF
// vector) unless remapped: move them to 0x20-0x2F and mask every line.
void disable_legacy_pic() {
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, 0x20);
    outb(0xA1, 0x28);
    outb(0x21, 0x04);
    outb(0xA1, 0x02);
    outb(0x21, 0x01);
    outb(0xA1, 0x01);
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}
} // namespace

void apic_timer_init() {
    disable_legacy_pic();
    u64 base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | (1u << 11)); // global enable
    g_apic = phys_to_virt<volatile u32>(base & 0xFFFFF000ull);
    write(kRegSpurious, 0x100 | kSpuriousVector); // software enable

    write(kRegTimerDivide, 0x3); // divide by 16
    write(kRegLvtTimer, kLvtMasked | kTimerVector);
    write(kRegTimerInitial, 0xFFFFFFFF);
    u64 tsc0 = rdtsc();
    pit_wait_10ms();
    u64 tsc1 = rdtsc();
    u32 elapsed = 0xFFFFFFFF - read(kRegTimerCurrent);
    write(kRegTimerInitial, 0);
    g_tsc_hz = (tsc1 - tsc0) * 100;
    g_tsc_boot = tsc0;
    g_tsc_scale = hvtime::time_scale_for(g_tsc_hz);
    g_apic_hz = static_cast<u64>(elapsed) * 100;
    if (!g_apic_hz) panic("local APIC timer does not count");

    // A periodic 100 Hz tick until the scheduler takes over the timer.
    write(kRegLvtTimer, kLvtPeriodic | kTimerVector);
    write(kRegTimerInitial, static_cast<u32>(g_apic_hz / 100));
    LOG_INFO("local APIC timer running: TSC %lu kHz, APIC timer %lu kHz (div 16)", g_tsc_hz / 1000,
             g_apic_hz / 1000);
}

void apic_eoi() {
    write(kRegEoi, 0);
}

u32 apic_id() {
    return read(0x20) >> 24;
}

void apic_init_ap() {
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    write(kRegSpurious, 0x100 | kSpuriousVector);
    write(kRegLvtTimer, kLvtMasked | kTimerVector);
}

namespace {
constexpr u32 kRegIcrLow = 0x300;
constexpr u32 kRegIcrHigh = 0x310;
constexpr u32 kIcrDeliveryPending = 1u << 12;

void send_ipi(u32 dest_apic_id, u32 icr_low) {
    write(kRegIcrHigh, dest_apic_id << 24);
    write(kRegIcrLow, icr_low);
    for (int i = 0; i < 100000 && (read(kRegIcrLow) & kIcrDeliveryPending); i++)
        pause();
}
} // namespace

// INIT (assert, level) and STARTUP with the trampoline's page number.
void apic_send_init(u32 dest) {
    send_ipi(dest, 0x00004500);
}
void apic_send_fixed(u32 dest, u8 vector) {
    send_ipi(dest, 0x00004000 | vector);
}
void apic_send_startup(u32 dest, u8 page) {
    send_ipi(dest, 0x00004600 | page);
}

void apic_timer_oneshot(u64 ns) {
    write(kRegLvtTimer, kTimerVector);
    constexpr u64 kMaxNs = 60ull * 1000000000ull; // keeps ns * g_apic_hz in 64 bits
    if (ns > kMaxNs) ns = kMaxNs;
    u64 count = ns ? ns * g_apic_hz / 1000000000ull : 0;
    if (ns && !count) count = 1;
    write(kRegTimerInitial, count > 0xFFFFFFFF ? 0xFFFFFFFF : static_cast<u32>(count));
}

u64 tsc_hz() {
    return g_tsc_hz;
}

u64 now_ns() {
    return hvtime::scale_delta(rdtsc() - g_tsc_boot, g_tsc_scale);
}
u64 tsc_at_boot() {
    return g_tsc_boot;
}
hvtime::TimeScale tsc_scale() {
    return g_tsc_scale;
}
u64 timer_ticks() {
    return g_ticks;
}

void apic_timer_interrupt() {
    g_ticks++;
    apic_eoi();
}

} // namespace arch
