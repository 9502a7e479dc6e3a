#include "guest/inject_observer.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/domid.hpp"
#include "guest/evt.hpp"
#include "guest/shared_info.hpp"
#include "guest/shutdown.hpp"
#include "guest/traps.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/mm/reservation.hpp"

extern "C" const u64 guest_trap_entries[guest::kHandledVectors];
extern "C" const u8 inject_pf_probe[], inject_pf_probe_end[];

namespace guest {

namespace {

const char* errno_name(long rc) {
    return xen_errno_name(static_cast<XenErrno>(-rc));
}

constexpr u64 kProbeAddress = 0xdead0000; // never mapped (fault=pf uses it too)
constexpr u64 kEventWaitNs = 1000000000;  // an event later than this is lost

bool g_active;
u32 g_loop_port; // receives: bound to g_send_port
u32 g_send_port;
volatile bool g_expecting;
volatile bool g_received;
u64 g_spurious;

const char* vector_name(u64 v) {
    switch (v) {
    case 1:
        return "#DB";
    case 2:
        return "NMI";
    case 6:
        return "#UD";
    case 13:
        return "#GP";
    case 14:
        return "#PF";
    default:
        return "exception";
    }
}

// The rip= target: a function every beat calls.
__attribute__((noinline)) void probe_point() {
    asm volatile("nop" ::: "memory");
}

void read_unmapped() {
    // movabs: a 64-bit absolute address (a 32-bit one would sign-extend).
    asm volatile(".globl inject_pf_probe, inject_pf_probe_end\n"
                 "inject_pf_probe: movabs 0xdead0000, %%al\n"
                 "inject_pf_probe_end:" ::
                     : "rax", "memory");
}

void on_loop_event(u32 port) {
    if (!g_expecting) {
        g_spurious++;
        printk("Glasshouse inject: observed spurious event on port %u (nothing sent): handler ran, "
               "ignored it\n",
               port);
        return;
    }
    g_received = true;
}

// Sends on the loopback pair and waits for the upcall. Returns ns waited,
// or ~0 when nothing came.
u64 send_and_wait() {
    g_received = false;
    g_expecting = true;
    u64 start = system_time_ns();
    evt_send(g_send_port);
    while (!g_received && system_time_ns() - start < kEventWaitNs)
        asm volatile("pause");
    g_expecting = false;
    return g_received ? system_time_ns() - start : ~0ull;
}

void check_event() {
    u64 ns = send_and_wait();
    if (ns == ~0ull) {
        printk("Glasshouse inject: observed event lost on port %u: no upcall within %lu ms\n",
               g_loop_port, kEventWaitNs / 1000000);
        u64 again = send_and_wait();
        printk("Glasshouse inject: event re-sent on port %u: %s\n", g_loop_port,
               again == ~0ull ? "lost again" : "delivered (recovered)");
    } else if (ns > 100000000) {
        printk("Glasshouse inject: observed event late on port %u: upcall after %lu ms\n",
               g_loop_port, ns / 1000000);
    }
}

void check_hypercall() {
    u16 self = xen::DOMID_SELF;
    long rc = hypercall2<xen::HC_memory_op>(::mm::XENMEM_current_reservation,
                                            reinterpret_cast<u64>(&self));
    if (rc >= 0) return;
    printk("Glasshouse inject: observed memory_op(current_reservation) failed: %ld (%s)\n", rc,
           errno_name(rc));
    rc = hypercall2<xen::HC_memory_op>(::mm::XENMEM_current_reservation,
                                       reinterpret_cast<u64>(&self));
    printk("Glasshouse inject: retried memory_op(current_reservation): %ld pages (%s)\n", rc,
           rc >= 0 ? "recovered" : "still failing");
}

// One spare page cycled through the balloon: given back, then asked for.
struct Balloon {
    u64* p2m = nullptr;
    u64 pfn = 0;
    bool holding = true; // we own a frame for pfn
    bool refused = false;
};
Balloon g_balloon;

long memop_reservation(unsigned op, u64* extent) {
    ::mm::MemoryReservation r{};
    r.extent_start = reinterpret_cast<u64>(extent);
    r.nr_extents = 1;
    r.domid = xen::DOMID_SELF;
    return hypercall2<xen::HC_memory_op>(op, reinterpret_cast<u64>(&r));
}

void check_memory() {
    Balloon& b = g_balloon;
    if (b.holding) {
        u64 mfn = b.p2m[b.pfn];
        if (memop_reservation(::mm::XENMEM_decrease_reservation, &mfn) != 1) return;
        b.p2m[b.pfn] = ~0ull;
        b.holding = false;
    }
    u64 mfn = 0;
    long done = memop_reservation(::mm::XENMEM_increase_reservation, &mfn);
    if (done != 1) {
        printk("Glasshouse inject: observed increase_reservation refused (%ld of 1 extents): "
               "page %lu stays ballooned out, retrying next beat\n",
               done, b.pfn);
        b.refused = true;
        return;
    }
    b.p2m[b.pfn] = mfn;
    b.holding = true;
    if (b.refused)
        printk("Glasshouse inject: increase_reservation granted again (mfn %lx): recovered\n", mfn);
    b.refused = false;
}

long setup_events(u16 self) {
    long rc = evt_init();
    if (rc < 0) return rc;
    long a = evt_alloc_unbound(self);
    if (a < 0) return a;
    long b = evt_bind_interdomain(self, static_cast<u32>(a));
    if (b < 0) return b;
    g_loop_port = static_cast<u32>(a);
    g_send_port = static_cast<u32>(b);
    evt_bind(g_loop_port, on_loop_event);
    evt_enable();
    return 0;
}

} // namespace

bool inject_observer_trap(TrapFrame& f) {
    if (!g_active) return false;
    xen::SharedInfo* s = shared_info();
    u64 cr2 = s ? s->vcpu_info[0].cr2 : 0;
    // Our own probe fault: skip the load, quietly.
    if (f.vector == 14 && cr2 == kProbeAddress && f.rip == reinterpret_cast<u64>(inject_pf_probe)) {
        f.rip = reinterpret_cast<u64>(inject_pf_probe_end);
        return true;
    }
    if (f.vector == 14)
        printk("Glasshouse inject: observed #PF cr2=%lx error=%lx at %lx: handler ran, resumed\n",
               cr2, f.error, f.rip);
    else if (f.vector == 13)
        printk("Glasshouse inject: observed #GP error=%lx at %lx: handler ran, resumed\n", f.error,
               f.rip);
    else if (f.vector == 2)
        printk("Glasshouse inject: observed NMI at %lx (NMI callback): handler ran, resumed\n",
               f.rip);
    else
        printk("Glasshouse inject: observed %s (vector %lu) at %lx: handler ran, resumed\n",
               vector_name(f.vector), f.vector, f.rip);
    // Injected exceptions arrive between instructions: resuming at rip
    // runs the interrupted instruction, as after an interrupt.
    return true;
}

void run_inject_observer(const xen::StartInfo& si, u32 interval_ms) {
    long self = discover_domid();
    long rc = self < 0 ? self : install_trap_table();
    if (rc >= 0) {
        xen::CallbackRegister nmi{xen::CALLBACKTYPE_nmi, 0, 0, guest_trap_entries[2]};
        rc = hypercall2<xen::HC_callback_op>(xen::CALLBACKOP_register, reinterpret_cast<u64>(&nmi));
    }
    if (rc >= 0) rc = setup_events(static_cast<u16>(self));
    if (rc < 0) {
        printk("Glasshouse inject: FAILED: setup %ld (%s)\n", rc, errno_name(rc));
        shutdown(xen::SHUTDOWN_crash);
    }
    g_balloon.p2m = reinterpret_cast<u64*>(si.mfn_list);
    // The top of memory lies beyond the initial mapping, so nothing maps it,
    // except the console and store rings the builder may put there.
    u64 pfn = si.nr_pages - 1;
    while (pfn > 0 &&
           (g_balloon.p2m[pfn] == si.console.domU.mfn || g_balloon.p2m[pfn] == si.store_mfn))
        pfn--;
    g_balloon.pfn = pfn;
    g_active = true;
    printk("Glasshouse inject: ready: domain %ld, loop port %u (sent on %u), probe at %p, "
           "beat every %u ms\n",
           self, g_loop_port, g_send_port, reinterpret_cast<void*>(&probe_point), interval_ms);
    for (u64 n = 1;; n++) {
        u64 due = system_time_ns() + u64{interval_ms} * 1000000;
        probe_point();
        check_hypercall();
        read_unmapped();
        check_memory();
        check_event();
        while (system_time_ns() < due)
            asm volatile("pause");
        printk("Glasshouse inject: beat %lu\n", n);
    }
}

} // namespace guest
