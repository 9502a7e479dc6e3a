#include "hv/debug/serial_server.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/ioapic.hpp"
#include "hv/arch/x86_64/serial_port.hpp"
#include "hv/kernel/log.hpp"

namespace {

constexpr u64 kIdlePollNs = 20000000; // catches a receive edge lost in a race
constexpr u64 kStopPollNs = 1000000;  // a queued stop waits for vCPUs to leave
constexpr usize kMaxDrain = 8192;     // a missing UART reads "data ready" forever

bool uart_present(u16 io_base) {
    // The scratch register keeps what is written unless there is no UART.
    arch::serial_port_scratch_write(io_base, 0x5A);
    return arch::serial_port_scratch_read(io_base) == 0x5A;
}

} // namespace

void SerialServer::PortOutput::write(const u8* data, usize len) {
    arch::serial_port_write(io_base, data, len);
}

SerialServer::SerialServer(const char* name, HvTarget::Role role)
    : name_(name), target_(role), session_(target_, out_) {}

bool SerialServer::start(const SerialPortInfo& port, u8 vector) {
    if (!uart_present(port.io_base)) {
        LOG_WARN("%s=%s: no UART at 0x%x, server disabled", name_, port.name, port.io_base);
        return false;
    }
    port_ = &port;
    vector_ = vector;
    out_.io_base = port.io_base;
    arch::serial_port_init_rx_irq(port.io_base);
    arch::ioapic_route_isa_irq(port.irq, vector, arch::apic_id());
    poll_timer_.fn = poll_tick;
    poll_timer_.owner = this;
    timer_arm(&poll_timer_, arch::now_ns() + kIdlePollNs);
    enabled_ = true;
    return true;
}

void SerialServer::drain_and_poll() {
    u8 buf[64];
    usize total = 0;
    for (;;) {
        usize n = 0;
        while (n < sizeof buf && total + n < kMaxDrain &&
               arch::serial_port_read(port_->io_base, buf[n]))
            n++;
        if (n == 0) break;
        total += n;
        session_.feed(buf, n);
        // After 'D' the next bytes belong to a new connection.
        if (session_.detached()) session_.reset();
    }
    session_.poll();
}

void SerialServer::poll_tick(hvtime::Timer* t, u64 now) {
    auto* self = static_cast<SerialServer*>(t->owner);
    self->drain_and_poll();
    timer_arm(t, now + (self->target_.stop_pending() ? kStopPollNs : kIdlePollNs));
}

// The poll timer lives on whichever CPU armed it last; move it here and
// make it fire soon, so a new stop is reported within a millisecond.
void SerialServer::poll_soon() {
    timer_cancel(&poll_timer_);
    timer_arm(&poll_timer_, arch::now_ns() + kStopPollNs);
}

void SerialServer::serial_interrupt() {
    if (enabled_) drain_and_poll();
}

bool SerialServer::guest_trap(Vcpu* v, Regs& r, unsigned vector) {
    if (!enabled_ || !target_.guest_trap(v, r, vector)) return false;
    poll_soon();
    return true;
}
