#include "hv/sched/schedule.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/arch/x86_64/segments.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/kernel/log.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/time/clock.hpp"
#include "hv/time/runstate.hpp"
#include "hv/time/timer.hpp"
#include "hv/time/vcpu_timers.hpp"
#include "hv/trace/control.hpp"
#include "hv/trace/recorder.hpp"
#include "hv/traps/bounce.hpp"
#include "hv/traps/debugreg.hpp"
#include "traces/record.hpp"

namespace {
// Round-robin over every vCPU the scheduler knows; a proportional-share
// policy replaces this with the scheduling issue.
constexpr unsigned kMaxSchedVcpus = 256;
Vcpu* g_vcpus[kMaxSchedVcpus];
unsigned g_nr_vcpus;
u64 g_period_start;

// Per physical CPU: the time slice of the vCPU it runs, and a once-a-second
// refresh of that vCPU's time record (guests extrapolate with the TSC in
// between; the refresh bounds the drift of the rounded scale).
constexpr unsigned kMaxCpus = 64;
constexpr u64 kSliceNs = 10000000;         // 10 ms
constexpr u64 kTimeRefreshNs = 1000000000; // 1 s
struct CpuSched {
    bool slice_expired = false;
    bool yielded = false; // SCHEDOP_yield: others first, if any can run
    hvtime::Timer slice_timer;
    hvtime::Timer refresh_timer;
};
CpuSched g_cpu[kMaxCpus];

CpuSched& this_cpu() {
    return g_cpu[cpu_info()->cpu_id % kMaxCpus];
}

void slice_end(hvtime::Timer* t, u64) {
    static_cast<CpuSched*>(t->owner)->slice_expired = true;
}

void time_refresh(hvtime::Timer* t, u64 now) {
    if (Vcpu* v = cpu_info()->current) time_update_vcpu(v);
    timer_arm(t, now + kTimeRefreshNs);
}

// A running vCPU's virtual time as if charged up to `now` (its CPU charges
// it for real at its next decision).
u64 vtime_now(const Vcpu* v, u64 now) {
    if (v->state != VcpuState::running) return v->share.vtime;
    return sched::vtime_if_charged(v->share, now - v->run_start_ns);
}

// The smallest virtual time among the vCPUs other than `self` that are
// running or runnable. A waking vCPU is not its own reference: its stale
// virtual time would otherwise let it cash in all the time it slept.
u64 min_vtime_of_others(const Vcpu* self, u64 now) {
    u64 m = ~0ull;
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        const Vcpu* v = g_vcpus[i];
        bool active = v->state == VcpuState::runnable || v->state == VcpuState::running;
        if (v == self || !active) continue;
        u64 t = vtime_now(v, now);
        if (t < m) m = t;
    }
    return m == ~0ull ? 0 : m;
}

// An idle CPU halts until an interrupt; a newly runnable vCPU sends it one.
// True when some CPU (this one included) is idle and will pick.
bool kick_idle_cpu() {
    for (unsigned id = 0; id < arch::nr_cpus_registered(); id++) {
        CpuInfo* ci = arch::cpu_by_id(id);
        if (!ci || !ci->idle) continue;
        if (ci != cpu_info()) arch::kick_cpu(id);
        return true;
    }
    return false;
}

bool can_run(const Vcpu* v) {
    return v->state == VcpuState::runnable || v->state == VcpuState::running;
}

bool domain_runs(const Vcpu* v) {
    return v->domain->state == DomainState::running && v->domain->pause_count == 0;
}

// Wake-up preemption (BVT, hv/core/sched): when no CPU is idle, the woken
// vCPU takes the CPU whose running vCPU is furthest ahead in virtual time,
// if it is behind that one by more than the switch allowance. That CPU's
// slice ends now; its next decision picks by virtual time as always.
void preempt_for(Vcpu* woken) {
    if (!domain_runs(woken) || kick_idle_cpu()) return;
    u64 now = arch::now_ns();
    CpuInfo* victim = nullptr;
    unsigned victim_id = 0;
    u64 furthest = 0;
    for (unsigned id = 0; id < arch::nr_cpus_registered(); id++) {
        CpuInfo* ci = arch::cpu_by_id(id);
        Vcpu* cur = ci ? ci->current : nullptr;
        if (!cur || cur->state != VcpuState::running) continue;
        u64 t = vtime_now(cur, now);
        if (!victim || t > furthest) victim = ci, victim_id = id, furthest = t;
    }
    if (!victim || !sched::wake_preempts(woken->share, furthest)) return;
    g_cpu[victim->cpu_id % kMaxCpus].slice_expired = true;
    if (victim != cpu_info()) arch::kick_cpu(victim_id);
}

// Charges the vCPU running here for the time since it last started, so
// virtual times and cap usage are current before a decision.
void charge_current(Vcpu* cur, u64 now) {
    if (!cur || cur->state != VcpuState::running) return;
    sched::charge(cur->share, now - cur->run_start_ns);
    cur->run_start_ns = now;
}

void advance_cap_period(u64 now) {
    sched::ShareGroup* groups[kMaxSchedVcpus];
    for (unsigned i = 0; i < g_nr_vcpus; i++)
        groups[i] = &g_vcpus[i]->domain->share;
    g_period_start = sched::advance_period(now, g_period_start, groups, g_nr_vcpus);
}

bool eligible(const Vcpu* v, const Vcpu* current) {
    // A vCPU running on another CPU is not a candidate; this CPU's own
    // current one may continue.
    bool free = v->state == VcpuState::runnable || v == current;
    return free && can_run(v) && domain_runs(v);
}

// Proportional share (hv/core/sched): the current vCPU keeps the CPU until
// its slice ends (or its cap is used up); then the eligible vCPU with the
// smallest virtual time runs.
Vcpu* pick_next(Vcpu* current) {
    CpuSched& c = this_cpu();
    u64 now = arch::now_ns();
    charge_current(current, now);
    advance_cap_period(now);
    bool current_ok = current && can_run(current) && domain_runs(current) &&
                      sched::within_cap(current->domain->share);
    if (current_ok && !c.slice_expired) return current;
    c.slice_expired = false;
    bool yielded = c.yielded;
    c.yielded = false;
    sched::ShareEntity* candidates[kMaxSchedVcpus];
    Vcpu* vcpus[kMaxSchedVcpus];
    usize n = 0;
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        if (!eligible(g_vcpus[i], current)) continue;
        if (yielded && g_vcpus[i] == current) continue;
        candidates[n] = &g_vcpus[i]->share;
        vcpus[n++] = g_vcpus[i];
    }
    long best = sched::pick(candidates, n);
    if (best < 0) return yielded && current_ok ? current : nullptr;
    return vcpus[best];
}

// Some vCPU could run but its domain is out of cap for this period.
bool capped_vcpu_waiting() {
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        Vcpu* v = g_vcpus[i];
        if (v->state == VcpuState::runnable && domain_runs(v) &&
            !sched::within_cap(v->domain->share))
            return true;
    }
    return false;
}

void save_vcpu(CpuInfo* ci, Vcpu* v) {
    v->regs = ci->guest_regs;
    arch::DataSelectors s = arch::read_data_selectors();
    v->ds = s.ds, v->es = s.es, v->fs = s.fs, v->gs = s.gs;
    v->fs_base = arch::rdmsr(arch::MSR_FS_BASE);
    u64 gs = arch::rdmsr(arch::MSR_GS_BASE);
    if (v->kernel_mode)
        v->gs_base_kernel = gs;
    else
        v->gs_base_user = gs;
    if (v->state == VcpuState::running) v->state = VcpuState::runnable;
    // Its page tables are still loaded: the runstate area can be written.
    vcpu_timers_switch_out(v);
    runstate_sync(v, arch::now_ns());
    runstate_publish(v);
}

void load_vcpu(CpuInfo* ci, Vcpu* v) {
    ci->guest_regs = v->regs;
    arch::load_guest_gdt_frames(v->gdt_frames, v->gdt_frame_count);
    arch::load_data_selectors({v->ds, v->es, v->fs, v->gs});
    load_guest_mode_state(v); // CR3, FS and GS bases (after the selectors)
    load_debugregs(v);
    u64 cr4 = arch::read_cr4() & ~(arch::CR4_FSGSBASE | arch::CR4_TSD);
    arch::write_cr4(cr4 | (v->cr4_guest_bits & (arch::CR4_FSGSBASE | arch::CR4_TSD)));
    u64 cr0 = arch::read_cr0() & ~arch::CR0_TS;
    arch::write_cr0(cr0 | (v->cr0_ts ? arch::CR0_TS : 0));
    v->state = VcpuState::running;
    v->run_start_ns = arch::now_ns();
    u64 now = arch::now_ns();
    runstate_sync(v, now);
    runstate_publish(v);
    time_update_vcpu(v);
    vcpu_timers_switch_in(v, now);
}

// A new slice starts whenever the CPU (re)picks a vCPU after the last one
// ended or it switched; an idle CPU takes no ticks at all.
void start_slice(Vcpu* next) {
    CpuSched& c = this_cpu();
    if (!c.slice_timer.fn) {
        c.slice_timer.fn = slice_end;
        c.refresh_timer.fn = time_refresh;
        c.slice_timer.owner = c.refresh_timer.owner = &c;
    }
    u64 now = arch::now_ns();
    if (next && !c.slice_timer.armed()) {
        // The slice ends early when the domain's cap runs out.
        u64 left = sched::cap_remaining(next->domain->share);
        timer_arm(&c.slice_timer, now + (left < kSliceNs ? left + 1 : kSliceNs));
    }
    if (!next) {
        // Idle: wake at the next period if a capped vCPU is waiting for it.
        if (capped_vcpu_waiting())
            timer_arm(&c.slice_timer, g_period_start + sched::kPeriodNs);
        else
            timer_cancel(&c.slice_timer);
    }
    if (next && !c.refresh_timer.armed()) timer_arm(&c.refresh_timer, now + kTimeRefreshNs);
}
// A Schedule record for the switch about to happen on this CPU.
void trace_switch(CpuInfo* ci, const Vcpu* cur, const Vcpu* next) {
    if (!trace::recording()) return;
    using glass::trace::ScheduleReason;
    ScheduleReason why = !next  ? ScheduleReason::Idle
                         : !cur ? ScheduleReason::Wake
                         : cur->state == VcpuState::blocked || cur->state == VcpuState::offline
                             ? ScheduleReason::Block
                             : ScheduleReason::Preempt;
    u64 ran = cur ? arch::now_ns() - cur->run_start_ns : 0;
    trace::schedule(static_cast<u16>(ci->cpu_id), cur, next, static_cast<u32>(why), ran);
}
} // namespace

void sched_add_vcpu(Vcpu* v) {
    if (g_nr_vcpus == kMaxSchedVcpus) panic("too many vCPUs");
    v->share.group = &v->domain->share;
    // A new vCPU starts level with the least-served active one: starting
    // at 0 would let a new domain run unpreempted until it caught up with
    // everyone's past.
    v->share.vtime = min_vtime_of_others(v, arch::now_ns());
    g_vcpus[g_nr_vcpus++] = v;
}

void sched_remove_vcpu(Vcpu* v) {
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        if (g_vcpus[i] == v) {
            g_vcpus[i] = g_vcpus[--g_nr_vcpus];
            return;
        }
    }
}

void vcpu_wake(Vcpu* v) {
    if (v->polling) vcpu_poll_timeout_stop(v);
    v->polling = false;
    if (v->state == VcpuState::blocked || v->state == VcpuState::offline) {
        v->state = VcpuState::runnable;
        u64 now = arch::now_ns();
        runstate_sync(v, now);
        sched::on_wake(v->share, min_vtime_of_others(v, now));
        preempt_for(v);
    }
}

void vcpu_kick(Vcpu* v) {
    for (unsigned id = 0; id < arch::nr_cpus_registered(); id++) {
        CpuInfo* ci = arch::cpu_by_id(id);
        if (ci && ci->current == v && ci != cpu_info()) arch::kick_cpu(id);
    }
}

void vcpu_block(Vcpu* v) {
    v->state = VcpuState::blocked;
    runstate_sync(v, arch::now_ns());
}

void vcpu_poll(Vcpu* v, u64 deadline_ns) {
    v->polling = true;
    v->poll_deadline_ns = deadline_ns;
    vcpu_poll_timeout_set(v, deadline_ns);
    vcpu_block(v);
}

void vcpu_down(Vcpu* v) {
    v->polling = false;
    vcpu_timers_stop_all(v);
    v->state = VcpuState::offline;
    runstate_sync(v, arch::now_ns());
    if (cpu_info()->current == v) this_cpu().slice_expired = true;
}

void vcpu_yield(Vcpu*) {
    // Xen's yield puts the caller behind every other runnable vCPU; here the
    // next decision skips it unless nobody else can run. Its virtual time is
    // untouched: yielding only gives CPU away.
    this_cpu().slice_expired = true;
    this_cpu().yielded = true;
}

void scheduler_tick() {
    // Slice ends, guest timers and poll timeouts are all timers now.
    timer_run_expired();
    trace::trace_poll_host(); // the host's trace mailbox (one compare when idle)
}

extern "C" void prepare_guest_return() {
    CpuInfo* ci = cpu_info();
    if (!hv_lock_held()) hv_lock_acquire(); // first run of a CPU, IRET-fault path
    for (;;) {
        Vcpu* cur = ci->current;
        Vcpu* next = pick_next(cur);
        if (!next) {
            if (cur) {
                trace_switch(ci, cur, nullptr);
                save_vcpu(ci, cur);
                ci->current = nullptr;
                // Idle on the hypervisor's own page table: the last guest's
                // tables may be freed (domain destruction) while we halt.
                arch::write_cr3(arch::hv_l4_phys());
            }
            start_slice(nullptr);
            timer_reprogram();
            ci->idle = 1;
            hv_lock_release();
            arch::sti_hlt(); // a timer or a kick may make a vCPU runnable
            hv_lock_acquire();
            ci->idle = 0;
            continue;
        }
        if (next != cur) {
            timer_cancel(&this_cpu().slice_timer); // a full slice for the newcomer
            trace_switch(ci, cur, next);
            if (cur) save_vcpu(ci, cur);
            ci->current = next;
            load_vcpu(ci, next);
        }
        deliver_pending(next, ci->guest_regs);
        // Delivery can crash the domain; then pick again.
        if (can_run(next) && domain_runs(next)) {
            start_slice(next);
            timer_reprogram();
            hv_lock_release();
            return;
        }
    }
}
