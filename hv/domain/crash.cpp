#include "hv/domain/crash.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/core/evtchn/virq.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/shutdown.hpp"
#include "hv/lib/format.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/trace/control.hpp"
#include "hv/trace/recorder.hpp"
#include "traces/record.hpp"

#include <cstdarg>

namespace {
[[noreturn]] void end_machine_for_dom0(unsigned reason) {
    trace::trace_drain_before_exit(); // the end of the run belongs in the trace
    switch (reason) {
    case xen::SHUTDOWN_poweroff:
        machine_exit(MachineExit::poweroff);
    case xen::SHUTDOWN_reboot:
        machine_exit(MachineExit::reboot);
    default:
        machine_exit(MachineExit::crash);
    }
}
// Only this domain stops: its vCPUs are descheduled (those running on
// other CPUs at their next entry, kicked now) and domain 0 learns of it
// through VIRQ_DOM_EXC; every other domain keeps running.
void stop_domain_and_tell_dom0(Domain* d) {
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        d->vcpus[i].state = VcpuState::offline;
        vcpu_kick(&d->vcpus[i]);
    }
    if (Domain* dom0 = domain_lookup(0)) evtchn_send_virq(dom0, VIRQ_DOM_EXC, 0);
}
} // namespace

void dump_guest_registers(const Regs& r) {
    LOG_ERROR("  rip %016lx  cs %04lx  rflags %016lx  rsp %016lx  ss %04lx", r.rip, r.cs, r.rflags,
              r.rsp, r.ss);
    LOG_ERROR("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx", r.rax, r.rbx, r.rcx, r.rdx);
    LOG_ERROR("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx", r.rsi, r.rdi, r.rbp, r.r8);
    LOG_ERROR("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx", r.r9, r.r10, r.r11, r.r12);
    LOG_ERROR("  r13 %016lx  r14 %016lx  r15 %016lx", r.r13, r.r14, r.r15);
}

void domain_crash(Domain* d, const char* fmt, ...) {
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    format_v(why, sizeof why, fmt, ap);
    va_end(ap);

    CpuInfo* ci = cpu_info();
    Vcpu* v = ci->current;
    LOG_ERROR("domain %u crashed: %s", d->id, why);
    if (v && v->domain == d) {
        LOG_ERROR("  d%uv%u in guest %s mode, registers:", d->id, v->id,
                  v->kernel_mode ? "kernel" : "user");
        dump_guest_registers(ci->guest_regs);
    }
    d->state = DomainState::crashed;
    d->shutdown_reason = xen::SHUTDOWN_crash;
    trace::domain_event(d->id, static_cast<u32>(glass::trace::DomainEventKind::Crash),
                        xen::SHUTDOWN_crash);
    if (d->id == 0) end_machine_for_dom0(xen::SHUTDOWN_crash);
    stop_domain_and_tell_dom0(d);
}

void domain_shutdown(Domain* d, unsigned reason) {
    LOG_INFO("domain %u shut down: %s", d->id, xen::shutdown_reason_name(reason));
    d->state = DomainState::shutdown;
    d->shutdown_reason = reason;
    trace::domain_event(d->id, static_cast<u32>(glass::trace::DomainEventKind::Shutdown), reason);
    if (d->id == 0) end_machine_for_dom0(reason);
    stop_domain_and_tell_dom0(d);
}
