#include "hv/debug/gdb_server.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/serial_port.hpp"
#include "hv/debug/serial_server.hpp"
#include "hv/kernel/cmdline.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"

namespace {

const SerialPortInfo kPorts[] = {
    {"com2", arch::kCom2, arch::kCom2Irq},
    {"com3", arch::kCom3, arch::kCom3Irq},
};

// Index i uses vector kDebugSerialVectorBase + i.
SerialServer g_servers[kDebugServers] = {
    {"gdb", HvTarget::Role::Debugger},
    {"control", HvTarget::Role::Control},
};

const SerialPortInfo* port_named(const char* name) {
    for (const SerialPortInfo& p : kPorts)
        if (strcmp(p.name, name) == 0) return &p;
    return nullptr;
}

void start_server(const char* cmdline, unsigned index) {
    SerialServer& s = g_servers[index];
    char val[16];
    if (!cmdline_option(cmdline, s.name(), val, sizeof val)) return;
    const SerialPortInfo* port = port_named(val);
    if (!port) {
        LOG_WARN("unknown %s='%s' (com2 or com3)", s.name(), val);
        return;
    }
    for (const SerialServer& other : g_servers) {
        if (other.enabled() && other.port() == port) {
            LOG_WARN("%s=%s: %s already serves %s", s.name(), val, other.name(), val);
            return;
        }
    }
    u8 vector = static_cast<u8>(kDebugSerialVectorBase + index);
    if (!s.start(*port, vector)) return;
    LOG_INFO("%s: server on %s (IRQ %u, vector 0x%x); %s", s.name(), port->name, port->irq, vector,
             index == 0 ? "domain 0 stops when gdb connects"
                        : "no domain stops unless a tool pauses it");
}

} // namespace

void gdb_server_init(const char* cmdline) {
    for (unsigned i = 0; i < kDebugServers; i++)
        start_server(cmdline, i);
}

void debug_serial_interrupt(unsigned vector) {
    arch::apic_eoi();
    if (is_debug_serial_vector(vector))
        g_servers[vector - kDebugSerialVectorBase].serial_interrupt();
}

bool gdb_guest_trap(Vcpu* v, Regs& r, unsigned vector) {
    for (SerialServer& s : g_servers)
        if (s.guest_trap(v, r, vector)) return true;
    return false;
}
