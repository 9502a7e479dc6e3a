#include "guest/bench.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/bench_report.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/evt_tests.hpp"
#include "guest/proc.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/vcpu.hpp"
#include "hv/core/time/scale.hpp"
#include "hv/lib/string.hpp"

namespace guest {
namespace {

constexpr u32 kTickDefaultMs = 3000;
constexpr u64 kYieldWarmupNs = 500000000;

bool parse_u32(const char* text, usize len, u32& out) {
    u32 n = 0;
    for (usize i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9' || n > 100000000) return false;
        n = n * 10 + static_cast<u32>(text[i] - '0');
    }
    out = n;
    return len != 0;
}

bool is(const char* text, usize len, const char* word) {
    return strlen(word) == len && memcmp(text, word, len) == 0;
}

// "name=" prefix: the value's text and length, or nullptr.
const char* value_of(const char* text, usize len, const char* name, usize& vlen) {
    usize n = strlen(name);
    if (len <= n || memcmp(text, name, n) != 0 || text[n] != '=') return nullptr;
    vlen = len - n - 1;
    return text + n + 1;
}

hvtime::TimeScale tsc_scale() {
    const volatile xen::VcpuTimeInfo& t = shared_info()->vcpu_info[0].time;
    return {t.tsc_to_system_mul, t.tsc_shift};
}

u64 null_hypercall_cycles() {
    u64 start = rdtsc_cycles();
    for (u32 i = 0; i < kBenchIterations; i++)
        (void)hypercall2<xen::HC_xen_version>(0, 0);
    return (rdtsc_cycles() - start) / kBenchIterations;
}

bool run_bench() {
    u64 hc = null_hypercall_cycles();
    u64 sc = proc_bench_syscall(kBenchIterations);
    u64 bp = proc_bench_int3(kBenchIterations);
    if (!sc || !bp) {
        printk("Glasshouse bench: FAILED (syscall %lu, int3 %lu)\n", sc, bp);
        return false;
    }
    bench_report("null hypercall (xen_version)", hc);
    bench_report(kBenchSyscall, sc);
    bench_report(kBenchInt3, bp);
    return true;
}

long runstate(xen::RunstateInfo& rs) {
    return hypercall3<xen::HC_vcpu_op>(xen::VCPUOP_get_runstate_info, 0,
                                       reinterpret_cast<u64>(&rs));
}

// Two domains yielding to each other on one CPU: each yield that lets the
// other run shows up as runnable time in our runstate.
bool run_yield_bench(u32 n) {
    // Domains are built one after another: yield for a while first so the
    // peer is up before we count.
    u64 warm_until = system_time_ns() + kYieldWarmupNs;
    while (system_time_ns() < warm_until)
        (void)sched_op(xen::SCHEDOP_yield, nullptr);
    xen::RunstateInfo before{}, after{};
    if (runstate(before)) return false;
    u64 start = rdtsc_cycles();
    for (u32 i = 0; i < n; i++)
        (void)sched_op(xen::SCHEDOP_yield, nullptr);
    u64 cycles = rdtsc_cycles() - start;
    if (runstate(after)) return false;
    u64 running = after.time[xen::RUNSTATE_running] - before.time[xen::RUNSTATE_running];
    u64 runnable = after.time[xen::RUNSTATE_runnable] - before.time[xen::RUNSTATE_runnable];
    printk("Glasshouse yield: %u yields, %lu cycles (%lu ns) each; running %lu us, runnable "
           "%lu us\n",
           n, cycles / n, cycles_to_ns(cycles / n), running / 1000, runnable / 1000);
    // With a peer yielding too, each of our yields runs the peer once: two
    // domain switches (and two yield hypercalls) per call.
    if (runnable) bench_report(kBenchSwitchDomains, cycles / n / 2);
    return true;
}

} // namespace

u64 cycles_to_ns(u64 cycles) {
    return shared_info() ? hvtime::scale_delta(cycles, tsc_scale()) : 0;
}

bool parse_cpu_option(const char* text, usize len, CpuTestOptions& out) {
    usize vlen = 0;
    const char* v;
    if (is(text, len, "procs")) return out.procs = true;
    if (is(text, len, "bench")) return out.bench = true;
    if (is(text, len, "tick")) {
        out.tick_ms = kTickDefaultMs;
        return true;
    }
    if ((v = value_of(text, len, "tick", vlen))) return parse_u32(v, vlen, out.tick_ms);
    if ((v = value_of(text, len, "ping", vlen))) return parse_u32(v, vlen, out.ping_peer);
    if ((v = value_of(text, len, "pong", vlen))) return parse_u32(v, vlen, out.pong_peer);
    if ((v = value_of(text, len, "rounds", vlen)))
        return parse_u32(v, vlen, out.rounds) && out.rounds;
    if ((v = value_of(text, len, "think", vlen))) return parse_u32(v, vlen, out.think_us);
    if ((v = value_of(text, len, "yieldbench", vlen)))
        return parse_u32(v, vlen, out.yield_count) && out.yield_count;
    return false;
}

bool run_cpu_tests(const CpuTestOptions& o) {
    if (o.procs && !run_proc_test()) return false;
    if (o.tick_ms && !run_tick_test(o.tick_ms)) return false;
    if (o.pong_peer != kNoPeer && !run_pong(static_cast<u16>(o.pong_peer), o.rounds)) return false;
    if (o.ping_peer != kNoPeer && !run_ping(static_cast<u16>(o.ping_peer), o.rounds, o.think_us))
        return false;
    if (o.bench && !run_bench()) return false;
    if (o.yield_count && !run_yield_bench(o.yield_count)) return false;
    return true;
}

} // namespace guest
