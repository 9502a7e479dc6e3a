#include "guest/proc.hpp"

#include "guest/arch/x86_64/trap_frame.hpp"
#include "guest/console.hpp"
#include "guest/faults.hpp"
#include "guest/proc_arch.hpp"
#include "hv/abi/errno.hpp"
#include "hv/lib/string.hpp"

extern "C" {
void guest_trap_dispatch(guest::TrapFrame* frame);
void proc_enter_user(void* frame);
[[noreturn]] void proc_return_to_kernel();
}

namespace guest {
namespace {

// What proc.S saves on a system call and loads on entry to user mode.
struct UserFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(UserFrame) == 20 * 8);

enum Sys : u64 { sys_write, sys_getpid, sys_exit, sys_yield, sys_report };

constexpr usize kUserStack = 8192;
constexpr u64 kUserRflags = 0x2; // IF clear: events stay masked in user mode
constexpr u64 kPfUser = 1u << 2;

enum class State { free, runnable, exited, killed };

struct Process {
    u32 pid;
    State state;
    UserFrame frame;
    long exit_code;
    u64 report;
    bool frame_ok; // every system call came from user mode on its own stack
    u64 fault_vector, fault_error, fault_cr2, fault_rip;
};

Process g_procs[kMaxProcs];
alignas(16) u8 g_user_stacks[kMaxProcs][kUserStack];
alignas(16) u8 g_kernel_stack[16384]; // stack_switch: entries from user mode
Process* g_current = nullptr;
u32 g_writers[16];
unsigned g_nr_writes = 0;
u64 g_kernel_int3 = 0;

// --- user side: runs at guest user level, reaches the kernel only by SYSCALL.

[[gnu::always_inline]] inline long usys(u64 nr, u64 a1 = 0, u64 a2 = 0) {
    long ret = static_cast<long>(nr);
    asm volatile("syscall" : "+a"(ret), "+D"(a1), "+S"(a2) : : "rcx", "r11", "memory");
    return ret;
}

[[gnu::always_inline]] inline void uwrite(const char* s) {
    usys(sys_write, reinterpret_cast<u64>(s), strlen(s));
}

[[gnu::always_inline]] inline u64 urdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<u64>(hi) << 32) | lo;
}

[[noreturn]] void user_exit(long code) {
    usys(sys_exit, static_cast<u64>(code));
    for (;;) {
    }
}

[[noreturn]] void user_greeter(u64) {
    long pid = usys(sys_getpid);
    uwrite("hello from user mode");
    usys(sys_yield);
    uwrite("back after yielding");
    user_exit(100 + pid);
}

[[noreturn]] void user_counter(u64) {
    long pid = usys(sys_getpid);
    if (usys(99) != -XEN_ENOSYS) user_exit(1); // unknown numbers fail cleanly
    for (int i = 0; i < 2; i++) {
        uwrite("counting");
        usys(sys_yield);
    }
    user_exit(100 + pid);
}

[[noreturn]] void user_faulter(u64) {
    uwrite("reading unmapped 0xdead0000");
    (void)*reinterpret_cast<volatile u64*>(kUnmappedAddress);
    user_exit(0);
}

// Entered as if called with n in rdi (spawn puts it in the frame).
[[noreturn]] void user_syscall_bench(u64 n) {
    u64 start = urdtsc();
    for (u64 i = 0; i < n; i++)
        usys(sys_getpid);
    u64 cycles = urdtsc() - start;
    usys(sys_report, cycles);
    user_exit(0);
}

// Two of these yield to each other: each of pid 1's yields runs the other
// process once, so its n yields are 2n process switches.
[[noreturn]] void user_yield_bench(u64 n) {
    u64 start = urdtsc();
    for (u64 i = 0; i < n; i++)
        usys(sys_yield);
    usys(sys_report, urdtsc() - start);
    user_exit(0);
}

// --- kernel side.

Process& spawn(void (*entry)(u64), u64 arg = 0) {
    for (unsigned i = 0; i < kMaxProcs; i++) {
        Process& p = g_procs[i];
        if (p.state == State::runnable) continue;
        p = {};
        p.pid = i + 1;
        p.state = State::runnable;
        p.frame_ok = true;
        p.frame.rip = reinterpret_cast<u64>(entry);
        p.frame.cs = kProcUserCs;
        p.frame.rflags = kUserRflags;
        // As if called: rsp + 8 aligned at the first instruction.
        p.frame.rsp = reinterpret_cast<u64>(g_user_stacks[i] + kUserStack) - 8;
        p.frame.ss = kProcUserSs;
        p.frame.rdi = arg;
        return p;
    }
    return g_procs[0]; // callers spawn at most kMaxProcs
}

// Round robin over runnable processes until none is left.
void run_all() {
    for (bool any = true; any;) {
        any = false;
        for (Process& p : g_procs) {
            if (p.state != State::runnable) continue;
            any = true;
            g_current = &p;
            proc_arch_switch_to(p.pid - 1);
            proc_enter_user(&p.frame);
            g_current = nullptr;
        }
    }
}

bool on_own_stack(const Process& p, u64 rsp) {
    u64 lo = reinterpret_cast<u64>(g_user_stacks[p.pid - 1]);
    return rsp > lo && rsp <= lo + kUserStack;
}

bool check(bool ok, const char* what) {
    printk("Glasshouse procs: %s: %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

} // namespace

long proc_init() {
    return proc_arch_init(reinterpret_cast<u64>(g_kernel_stack + sizeof g_kernel_stack));
}

bool run_proc_test() {
    long rc = proc_init();
    if (!check(rc == 0, proc_arch_setup_name())) {
        printk("Glasshouse procs: setup returned %ld\n", rc);
        return false;
    }
    Process& a = spawn(user_greeter);
    Process& b = spawn(user_counter);
    Process& c = spawn(user_faulter);
    g_nr_writes = 0;
    run_all();

    bool ok = true;
    ok &= check(a.frame_ok && b.frame_ok && c.frame_ok,
                "system calls arrived from user mode (cs RPL 3) on each process's stack");
    ok &= check(a.state == State::exited && a.exit_code == 100 + a.pid &&
                    b.state == State::exited && b.exit_code == 100 + b.pid,
                "getpid and exit: exit codes 100 + pid");
    printk("Glasshouse procs: pid %u: vector %lu error 0x%lx cr2 %p at %p\n", c.pid, c.fault_vector,
           c.fault_error, reinterpret_cast<void*>(c.fault_cr2),
           reinterpret_cast<void*>(c.fault_rip));
    ok &= check(c.state == State::killed && c.fault_vector == 14 &&
                    c.fault_cr2 == kUnmappedAddress && (c.fault_error & kPfUser),
                "user page fault: #PF with cr2 0xdead0000 and the U bit, process killed");
    // Each yield hands the CPU to the next runnable process.
    const u32 expected[] = {1, 2, 3, 1, 2};
    bool order = g_nr_writes == 5;
    for (unsigned i = 0; order && i < 5; i++)
        order = g_writers[i] == expected[i];
    ok &= check(order, "processes ran in turn (writes by pid 1 2 3 1 2)");
    printk("Glasshouse procs: %s\n", ok ? "ok" : "FAILED");
    return ok;
}

u64 proc_bench_syscall(u32 iterations) {
    if (proc_init() < 0) return 0;
    Process& p = spawn(user_syscall_bench, iterations);
    run_all();
    return iterations ? p.report / iterations : 0;
}

u64 proc_bench_switch(u32 iterations) {
    if (proc_init() < 0 || !iterations) return 0;
    Process& a = spawn(user_yield_bench, iterations);
    Process& b = spawn(user_yield_bench, iterations);
    run_all();
    if (a.state != State::exited || b.state != State::exited || !a.frame_ok || !b.frame_ok)
        return 0;
    return a.report / iterations / 2;
}

u64 proc_bench_int3(u32 iterations) {
    if (proc_init() < 0) return 0;
    g_kernel_int3 = 0;
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    u64 start = (static_cast<u64>(hi) << 32) | lo;
    for (u32 i = 0; i < iterations; i++)
        asm volatile("int3" ::: "memory");
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    u64 end = (static_cast<u64>(hi) << 32) | lo;
    if (g_kernel_int3 != iterations) return 0;
    return iterations ? (end - start) / iterations : 0;
}

} // namespace guest

// The syscall callback (proc.S). Returning resumes the process with rax.
extern "C" void proc_syscall(guest::UserFrame* f) {
    using namespace guest;
    Process* p = g_current;
    if (!p) {
        f->rax = static_cast<u64>(-XEN_ENOSYS); // no process: nothing to serve
        return;
    }
    if ((f->cs & 3) != 3 || f->ss != kProcUserSs || !on_own_stack(*p, f->rsp)) p->frame_ok = false;
    switch (f->rax) {
    case sys_write: {
        char text[128];
        usize n = f->rsi < sizeof(text) - 1 ? f->rsi : sizeof(text) - 1;
        memcpy(text, reinterpret_cast<const char*>(f->rdi), n);
        text[n] = '\0';
        printk("Glasshouse procs: pid %u writes '%s'\n", p->pid, text);
        if (g_nr_writes < 16) g_writers[g_nr_writes++] = p->pid;
        f->rax = n;
        return;
    }
    case sys_getpid:
        f->rax = p->pid;
        return;
    case sys_report:
        p->report = f->rdi;
        f->rax = 0;
        return;
    case sys_exit:
        p->exit_code = static_cast<long>(f->rdi);
        p->state = State::exited;
        proc_return_to_kernel();
    case sys_yield:
        p->frame = *f;
        p->frame.rax = 0;
        proc_return_to_kernel();
    default:
        f->rax = static_cast<u64>(-XEN_ENOSYS);
        return;
    }
}

// #BP, #UD, #GP, #PF (proc.S). From user mode: kill the process. In kernel
// mode int3 is the bounce benchmark; the rest goes to the usual handler.
extern "C" void proc_trap(guest::TrapFrame* frame) {
    using namespace guest;
    if ((frame->cs & 3) != 3 || !g_current) {
        if (frame->vector == 3) {
            g_kernel_int3++;
            return;
        }
        guest_trap_dispatch(frame);
        return;
    }
    Process* p = g_current;
    p->fault_vector = frame->vector;
    p->fault_error = frame->error;
    p->fault_rip = frame->rip;
    p->fault_cr2 = frame->vector == 14 ? proc_arch_fault_address() : 0;
    p->state = State::killed;
    printk("Glasshouse procs: pid %u killed by trap %lu\n", p->pid, frame->vector);
    proc_return_to_kernel();
}
