#include "hv/debug/gdb_server.hpp"

#include "gdbstub/session.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/ioapic.hpp"
#include "hv/arch/x86_64/serial_port.hpp"
#include "hv/debug/gdb_target.hpp"
#include "hv/kernel/cmdline.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"
#include "hv/time/timer.hpp"

namespace {

constexpr u64 kIdlePollNs = 20000000; // catches a receive edge lost in a race
constexpr u64 kStopPollNs = 1000000;  // a queued stop waits for vCPUs to leave
constexpr usize kMaxDrain = 8192;     // a missing UART reads "data ready" forever

class Com2Output final : public gdb::Output {
  public:
    void write(const u8* data, usize len) override {
        arch::serial_port_write(arch::kCom2, data, len);
    }
};

HvTarget g_target;
Com2Output g_out;
gdb::Session g_session(g_target, g_out);
bool g_enabled;
hvtime::Timer g_poll_timer;

void drain_and_poll() {
    u8 buf[64];
    usize total = 0;
    for (;;) {
        usize n = 0;
        while (n < sizeof buf && total + n < kMaxDrain &&
               arch::serial_port_read(arch::kCom2, buf[n]))
            n++;
        if (n == 0) break;
        total += n;
        g_session.feed(buf, n);
        // After 'D' the next bytes belong to a new connection.
        if (g_session.detached()) g_session.reset();
    }
    g_session.poll();
}

void poll_tick(hvtime::Timer* t, u64 now) {
    drain_and_poll();
    timer_arm(t, now + (g_target.stop_pending() ? kStopPollNs : kIdlePollNs));
}

// The poll timer lives on whichever CPU armed it last; move it here and
// make it fire soon, so a new stop is reported within a millisecond.
void poll_soon() {
    timer_cancel(&g_poll_timer);
    timer_arm(&g_poll_timer, arch::now_ns() + kStopPollNs);
}

bool com2_present() {
    // The scratch register keeps what is written unless there is no UART.
    arch::serial_port_scratch_write(arch::kCom2, 0x5A);
    return arch::serial_port_scratch_read(arch::kCom2) == 0x5A;
}

} // namespace

void gdb_server_init(const char* cmdline) {
    char val[16];
    if (!cmdline_option(cmdline, "gdb", val, sizeof val)) return;
    if (strcmp(val, "com2") != 0) {
        LOG_WARN("unknown gdb='%s' (com2)", val);
        return;
    }
    if (!com2_present()) {
        LOG_WARN("gdb=com2: no UART at COM2, debugger disabled");
        return;
    }
    arch::serial_port_init_rx_irq(arch::kCom2);
    arch::ioapic_route_isa_irq(arch::kCom2Irq, kGdbSerialVector, arch::apic_id());
    g_poll_timer.fn = poll_tick;
    timer_arm(&g_poll_timer, arch::now_ns() + kIdlePollNs);
    g_enabled = true;
    LOG_INFO("gdb: server on COM2 (IRQ %u, vector 0x%x); domain 0 stops when gdb connects",
             arch::kCom2Irq, kGdbSerialVector);
}

void gdb_serial_interrupt() {
    arch::apic_eoi();
    if (g_enabled) drain_and_poll();
}

bool gdb_guest_trap(Vcpu* v, Regs& r, unsigned vector) {
    if (!g_enabled || !g_target.guest_trap(v, r, vector)) return false;
    poll_soon();
    return true;
}
