// Ring allocation, publication, and starting/stopping the recorder.
#include "hv/trace/control.hpp"

#include "hv/abi/errno.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/arch/x86_64/smp.hpp"
#include "hv/core/mm/page_types.hpp"
#include "hv/core/trace/state_hash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/kernel/cmdline.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/trace/recorder.hpp"
#include "hv/trace/rings.hpp"
#include "hv/trace/snapshot.hpp"

using namespace glass::trace;

namespace trace {

// Page-aligned in the image; its machine address is published in the
// introspection layout table as "phys.TraceControl".
alignas(4096) TraceControl g_control;

namespace {

RingWriter g_writers[kMaxRings];
bool g_boot_start = false;
unsigned g_cpus = 0; // CPUs online at trace_init: each needs its ring
Filters g_boot_filters = kAllFilters;
constexpr u64 kSnapshotTimeoutNs = 5'000'000'000ull; // host must drain within 5 s
constexpr u64 kExitDrainNs = 2'000'000'000ull;

u64 parse_number(const char* s, bool& ok) {
    u64 v = 0;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    ok = *s != 0;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = static_cast<unsigned>(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = static_cast<unsigned>(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = static_cast<unsigned>(*s - 'A' + 10);
        else {
            ok = false;
            return 0;
        }
        v = v * static_cast<u64>(base) + d;
    }
    return v;
}

// "0,3,5" -> bits 0, 3 and 5 (ids >= 63 share bit 63).
u64 parse_list(const char* s, bool& ok) {
    u64 mask = 0;
    char item[24];
    ok = true;
    while (*s) {
        usize n = 0;
        while (*s && *s != ',' && n + 1 < sizeof item)
            item[n++] = *s++;
        item[n] = 0;
        if (*s == ',') s++;
        bool one = false;
        u64 v = parse_number(item, one);
        if (!one) {
            ok = false;
            return 0;
        }
        mask |= 1ull << (v < 63 ? v : 63);
    }
    return mask;
}

void read_boot_options(const char* cmdline, u32& ring_kib) {
    char val[128];
    bool ok = true;
    if (cmdline_option(cmdline, "trace", val, sizeof val)) g_boot_start = !strcmp(val, "on");
    if (cmdline_option(cmdline, "trace_buf", val, sizeof val)) {
        u64 kib = parse_number(val, ok);
        // A power of two between 16 KiB and 64 MiB (positions wrap by mask).
        if (!ok || kib < 16 || kib > 65536 || (kib & (kib - 1)))
            LOG_WARN("trace_buf=%s: expected KiB, a power of two in 16..65536; using %u", val,
                     ring_kib);
        else
            ring_kib = static_cast<u32>(kib);
    }
    if (cmdline_option(cmdline, "trace_dom", val, sizeof val)) {
        u64 m = parse_list(val, ok);
        if (ok)
            g_boot_filters.domain_mask = m;
        else
            LOG_WARN("trace_dom=%s: expected domain ids separated by commas", val);
    }
    if (cmdline_option(cmdline, "trace_hc", val, sizeof val)) {
        u64 m = parse_list(val, ok);
        if (ok)
            g_boot_filters.hypercall_mask = m;
        else
            LOG_WARN("trace_hc=%s: expected hypercall numbers separated by commas", val);
    }
    if (cmdline_option(cmdline, "trace_ckpt", val, sizeof val)) {
        u64 n = parse_number(val, ok);
        if (ok && n <= 0xFFFFFFFFu)
            g_boot_filters.checkpoint_interval = static_cast<u32>(n);
        else
            LOG_WARN("trace_ckpt=%s: expected a record count (0 = no checkpoints)", val);
    }
}

void type_change(u64 mfn, mm::FrameType old_type, mm::FrameType new_type, u32 count) {
    page_type(mfn, static_cast<u8>(old_type), static_cast<u8>(new_type), count);
}

// The typing core is about to validate mfn from contents the guest wrote
// directly: record them (kReadMachineFrame) so replay validates the same.
void frame_validated(void*, u64 mfn, mm::FrameType) {
    machine_frame_read(mfn, arch::phys_to_virt<const u8>(mfn << kPageShift));
}

void reset_vcpu_nesting() {
    unsigned max = 0;
    Domain* const* reg = domain_registry(max);
    for (unsigned id = 0; id < max; id++)
        if (Domain* d = reg[id])
            for (unsigned i = 0; i < d->nr_vcpus; i++) {
                d->vcpus[i].trace_nest = 0;
                d->vcpus[i].trace_recorded = 0;
            }
}

i64 start(const Filters& f) {
    TraceControl& c = g_control;
    if (c.state != static_cast<u32>(State::Off)) return -static_cast<i64>(XEN_EBUSY);
    // A CPU without a ring would drop every record it makes, unseen.
    if (c.nr_rings < g_cpus) {
        LOG_WARN("trace: %u of %u CPUs have a ring (trace_buf too large?); not recording",
                 c.nr_rings, g_cpus);
        return -static_cast<i64>(XEN_ENOMEM);
    }
    c.active = f;
    c.epoch++;
    c.start_time_ns = arch::now_ns();
    for (unsigned i = 0; i < c.nr_rings; i++)
        g_writers[i].mark_epoch_start();
    reset_vcpu_nesting();
    __atomic_store_n(&c.state, static_cast<u32>(State::Snapshot), __ATOMIC_RELEASE);
    i64 n = write_snapshot(kSnapshotTimeoutNs);
    if (n < 0) {
        LOG_WARN("trace: no host drained the snapshot within 5 s; recording not started");
        __atomic_store_n(&c.state, static_cast<u32>(State::Off), __ATOMIC_RELEASE);
        return -static_cast<i64>(XEN_EBUSY);
    }
    c.snapshot_records = static_cast<u64>(n);
    reset_checkpoint_counter();
    mm::g_type_change_hook = type_change;
    page_types().set_validate_hook(frame_validated, nullptr);
    g_recording = true;
    __atomic_store_n(&c.state, static_cast<u32>(State::Recording), __ATOMIC_RELEASE);
    LOG_INFO("trace: recording (epoch %u, snapshot of %ld records)", c.epoch, n);
    return 0;
}

i64 stop() {
    TraceControl& c = g_control;
    if (c.state == static_cast<u32>(State::Off)) return 0;
    g_recording = false;
    mm::g_type_change_hook = nullptr;
    page_types().set_validate_hook(nullptr, nullptr);
    for (unsigned i = 0; i < c.nr_rings; i++)
        (void)g_writers[i].flush_lost(arch::now_ns());
    __atomic_store_n(&c.state, static_cast<u32>(State::Off), __ATOMIC_RELEASE);
    LOG_INFO("trace: stopped (epoch %u)", c.epoch);
    return 0;
}

} // namespace

TraceControl& trace_control() {
    return g_control;
}

RingWriter& ring(unsigned cpu) {
    return g_writers[cpu];
}

RingWriter& this_ring() {
    return g_writers[cpu_info()->cpu_id];
}

unsigned nr_rings() {
    return g_control.nr_rings;
}

void trace_init(const char* cmdline) {
    u32 ring_kib = 4096; // a few pin-and-validate bursts (4 KiB per frame) fit
    read_boot_options(cmdline, ring_kib);
    TraceControl& c = g_control;
    memset(&c, 0, sizeof c);
    c.version = kControlVersion;
    unsigned cpus = arch::cpus_online();
    g_cpus = cpus;
    if (cpus > kMaxRings) cpus = kMaxRings;
    u64 frames = (u64{ring_kib} << 10) >> kPageShift;
    for (unsigned i = 0; i < cpus; i++) {
        Result<u64> mfn = alloc_hv_frames(frames);
        if (!mfn.ok()) {
            LOG_WARN("trace: no memory for the ring of CPU %u (%u KiB); %u ring(s)", i, ring_kib,
                     i);
            break;
        }
        RingControl& r = c.rings[i];
        r.data_phys = *mfn << kPageShift;
        r.size = ring_kib << 10;
        r.cpu = i;
        g_writers[i].attach(&r, arch::phys_to_virt<u8>(r.data_phys));
        c.nr_rings = i + 1;
    }
    c.active = g_boot_filters;
    // Magic last: a host that sees it sees the rings.
    __atomic_store_n(&c.magic, kControlMagic, __ATOMIC_RELEASE);
    LOG_INFO("trace: %u ring(s) of %u KiB at control %lx", c.nr_rings, ring_kib,
             arch::virt_to_phys(&c));
}

void trace_boot_start() {
    if (!g_boot_start || !g_control.nr_rings) return;
    // The APs are up: the lock keeps them out while the snapshot is taken.
    bool held = hv_lock_held();
    if (!held) hv_lock_acquire();
    i64 rc = start(g_boot_filters);
    if (rc) g_control.last_error = rc;
    if (!held) hv_lock_release();
}

i64 trace_apply(const Request& req) {
    if (!g_control.nr_rings) return -static_cast<i64>(XEN_ENODEV);
    i64 rc = -static_cast<i64>(XEN_EINVAL);
    switch (req.cmd) {
    case Command::Start:
        rc = start(req.filters);
        break;
    case Command::Stop:
        rc = stop();
        break;
    case Command::Filter:
        g_control.active = req.filters;
        rc = 0;
        break;
    }
    if (rc) g_control.last_error = rc;
    return rc;
}

void trace_poll_host() {
    TraceControl& c = g_control;
    u64 seq = __atomic_load_n(&c.request_seq, __ATOMIC_ACQUIRE);
    if (__builtin_expect(seq == c.ack_seq, true) || c.magic != kControlMagic) return;
    Request req;
    memcpy(&req, &c.request, sizeof req); // copied once: the host may rewrite it meanwhile
    c.ack_result = trace_apply(req);
    __atomic_store_n(&c.ack_seq, seq, __ATOMIC_RELEASE);
}

void trace_drain_before_exit() {
    if (!g_recording) return;
    (void)stop();
    u64 deadline = arch::now_ns() + kExitDrainNs;
    for (unsigned i = 0; i < g_control.nr_rings; i++) {
        const RingControl& r = g_control.rings[i];
        while (ring_load(r.consumed) != r.produced && arch::now_ns() < deadline)
            arch::pause();
    }
}

void emit_checkpoint() {
    reset_checkpoint_counter();
    if (!((g_control.active.type_mask >> static_cast<u32>(RecordType::Checkpoint)) & 1)) return;
    static u64 sequence = 0;
    unsigned max = 0;
    Domain* const* reg = domain_registry(max);
    const EvtchnTable* tables[256] = {};
    unsigned n = max < 256 ? max : 256;
    for (unsigned id = 0; id < n; id++)
        tables[id] = reg[id] ? reg[id]->evtchn : nullptr;
    Checkpoint k{};
    Vcpu* v = current_vcpu();
    fill_header(k.h, RecordType::Checkpoint, sizeof k, v ? v->domain->id : kDomainHypervisor,
                v ? static_cast<u16>(v->id) : 0);
    k.sequence = sequence++;
    k.frame_table_hash = frame_table_hash(
        frame_table(), mm::PhysMem(arch::phys_to_virt<u64>(0), frame_table().size()));
    k.evtchn_hash = evtchn_hash(tables, n);
    emit(&k, sizeof k);
    reset_checkpoint_counter();
}

} // namespace trace
