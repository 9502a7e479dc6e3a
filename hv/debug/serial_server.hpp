// One GDB remote-protocol server on one 16550 serial port: a gdb::Session
// driving an HvTarget, fed by the port's receive interrupt and by a poll
// timer. The timer also reports stops, because a stop can only be reported
// once the stopped domain's vCPUs have left their CPUs, which happens after
// the trap that caused it. gdb_server.cpp owns the instances (the debugger
// and the control connection) and the options that start them.
#pragma once

#include "gdbstub/session.hpp"
#include "hv/arch/x86_64/regs.hpp"
#include "hv/debug/gdb_target.hpp"
#include "hv/time/timer.hpp"

struct Vcpu;

// A serial port the servers can use.
struct SerialPortInfo {
    const char* name; // as in the option: "com2"
    u16 io_base;
    unsigned irq;
};

class SerialServer {
  public:
    // `name` is the option that starts it ("gdb", "control"), for messages.
    SerialServer(const char* name, HvTarget::Role role);

    // Probes the UART, routes its IRQ to `vector` on this CPU and starts the
    // poll timer. False (and a warning) when there is no UART.
    bool start(const SerialPortInfo& port, u8 vector);
    bool enabled() const { return enabled_; }
    u8 vector() const { return vector_; }
    const char* name() const { return name_; }
    const SerialPortInfo* port() const { return port_; }

    // The port's interrupt, hypervisor lock held: drains and dispatches.
    void serial_interrupt();
    // Guest #BP/#DB, lock held: true when this server's debugging caused it.
    bool guest_trap(Vcpu* v, Regs& r, unsigned vector);

  private:
    class PortOutput final : public gdb::Output {
      public:
        void write(const u8* data, usize len) override;
        u16 io_base = 0;
    };

    static void poll_tick(hvtime::Timer* t, u64 now);
    void drain_and_poll();
    void poll_soon();

    const char* name_;
    HvTarget target_;
    PortOutput out_;
    gdb::Session session_;
    hvtime::Timer poll_timer_;
    const SerialPortInfo* port_ = nullptr;
    u8 vector_ = 0;
    bool enabled_ = false;
};
