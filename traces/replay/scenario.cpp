#include "traces/replay/scenario.hpp"

#include "hv/abi/event_channel.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"
#include "hv/core/evtchn/virq.hpp"
#include "hv/core/hypercall/evtchn_ops.hpp"
#include "hv/core/hypercall/mmu_ops.hpp"
#include "hv/core/trace/state_hash.hpp"
#include "traces/replay/callers.hpp"
#include "traces/replay/snapshot_write.hpp"
#include "traces/replay/state.hpp"

#include <cstring>
#include <vector>

namespace glass::replay {

namespace {

using trace::RecordType;

constexpr u64 kFrames = 4096;
constexpr u64 kHvFrames = 32;
constexpr u64 kIoFirst = 4000;
constexpr u64 kL1Pool = 16;      // L1 frames per domain
constexpr u64 kDataFrames = 256; // per domain
constexpr unsigned kL2Slots = 16;
constexpr u64 kArgVa = 0x70000000; // where the guests' hypercall arguments live
constexpr usize kArgBytes = 64 * 1024;

struct GuestDomain {
    u16 id;
    u64 base; // first frame
    u64 l4() const { return base; }
    u64 l3() const { return base + 1; }
    u64 l2() const { return base + 2; }
    u64 pool(unsigned i) const { return base + 3 + i; }
    u64 data(u64 i) const { return base + 32 + i % kDataFrames; }
    int hooked[kL2Slots]; // pool index in each L2 slot, -1 for none
    bool pinned[kL1Pool];
};

struct Channel {
    u32 port0, port1; // dom0's end, dom1's end
};

} // namespace

namespace {
// The typing core's page-type hook is a plain function (the hypervisor has
// one recorder); the scenario that is running routes it to itself.
void* g_recording = nullptr;
} // namespace

struct Scenario::Impl {
    ScenarioOptions opt;
    ScenarioCounts counts;
    MachineState m;
    std::vector<GuestDomain> doms;
    std::vector<Channel> channels;
    std::vector<u8> args = std::vector<u8>(kArgBytes);
    u64 rng;
    u64 now_ns = 1'000'000;
    u64 emitted = 0;
    u64 since_checkpoint = 0;
    u64 checkpoint_seq = 0;
    std::function<void(const trace::RecordHeader&)> emit;
    u16 cur_dom = 0, cur_vcpu = 0;
    std::vector<u64> buf = std::vector<u64>(trace::kMaxRecordBytes / 8);

    u64 rand() {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    }
    u64 below(u64 n) { return rand() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }

    trace::RecordHeader header(RecordType t, u32 size) {
        trace::RecordHeader h{};
        h.type = static_cast<u16>(t);
        h.size = trace::record_size_for(size);
        h.domain = cur_dom;
        h.vcpu = cur_vcpu;
        h.cpu = cur_vcpu;
        now_ns += 200 + below(800);
        h.time_ns = now_ns;
        return h;
    }
    void put(const trace::RecordHeader& h) {
        emit(h);
        emitted++;
        since_checkpoint++;
    }
    void maybe_checkpoint() {
        if (since_checkpoint < opt.checkpoint_every) return;
        since_checkpoint = 0;
        trace::Checkpoint c{};
        c.h = header(RecordType::Checkpoint, sizeof c);
        c.h.domain = trace::kDomainHypervisor;
        c.h.vcpu = 0;
        c.sequence = checkpoint_seq++;
        c.frame_table_hash = m.frame_table_hash();
        c.evtchn_hash = m.evtchn_hash();
        put(c.h);
        counts.checkpoints++;
    }
    void record_read(u64 va, const void* data, usize n, u32 flags) {
        while (n) {
            usize part = n < trace::kMaxReadBytes ? n : trace::kMaxReadBytes;
            auto* r = reinterpret_cast<trace::HypercallRead*>(buf.data());
            std::memset(r, 0, sizeof *r);
            r->h = header(RecordType::HypercallRead, static_cast<u32>(sizeof *r + part));
            r->h.flags = flags;
            r->guest_va = va;
            r->bytes = static_cast<u32>(part);
            std::memcpy(r + 1, data, part);
            put(r->h);
            va += part;
            data = static_cast<const u8*>(data) + part;
            n -= part;
        }
    }

    // The guests' memory: the argument area; reads are recorded as the
    // hypervisor's copy_from_guest records them (successful ones only).
    class ArgMemory final : public hcore::GuestMemory {
      public:
        explicit ArgMemory(Impl& s) : s_(s) {}
        Status read(void* dst, u64 va, usize n) override {
            if (va < kArgVa || va - kArgVa > kArgBytes || n > kArgBytes - (va - kArgVa))
                return XEN_EFAULT;
            std::memcpy(dst, s_.args.data() + (va - kArgVa), n);
            s_.record_read(va, dst, n, 0);
            return {};
        }
        Status write(u64 va, const void* src, usize n) override {
            if (va < kArgVa || va - kArgVa > kArgBytes || n > kArgBytes - (va - kArgVa))
                return XEN_EFAULT;
            std::memcpy(s_.args.data() + (va - kArgVa), src, n);
            return {};
        }

      private:
        Impl& s_;
    };

    static void on_validate(void* ctx, u64 mfn, mm::FrameType) {
        auto* s = static_cast<Impl*>(ctx);
        s->record_read(mfn << kPageShift, s->m.memory().frame(mfn), kPageSize,
                       trace::kReadMachineFrame);
        s->counts.validated_frames++;
    }

    static void on_type_change(u64 mfn, mm::FrameType old_type, mm::FrameType new_type, u32 count) {
        auto* s = static_cast<Impl*>(g_recording);
        if (!s || !s->emit) return;
        trace::PageTypeChange p{};
        p.h = s->header(RecordType::PageTypeChange, sizeof p);
        p.mfn = mfn;
        p.old_type = static_cast<u8>(old_type);
        p.new_type = static_cast<u8>(new_type);
        p.type_count = count;
        s->put(p.h);
    }

    template <class T>
    u64 put_arg(usize offset, const T& v) {
        std::memcpy(args.data() + offset, &v, sizeof v);
        return kArgVa + offset;
    }

    // One hypercall, recorded: entry, what it reads, exit.
    i64 call(u16 dom, u16 vcpu, u32 nr, u32 subop, std::initializer_list<u64> a,
             bool in_multicall = false) {
        cur_dom = dom;
        cur_vcpu = vcpu;
        trace::HypercallEntry e{};
        e.h = header(RecordType::HypercallEntry, sizeof e);
        e.h.flags = in_multicall ? trace::kHypercallInMulticall : 0;
        e.nr = nr;
        e.subop = subop;
        unsigned i = 0;
        for (u64 v : a)
            e.args[i++] = v;
        put(e.h);
        i64 rc = execute(dom, vcpu, nr, e.args);
        trace::HypercallExit x{};
        x.h = header(RecordType::HypercallExit, sizeof x);
        x.nr = nr;
        x.subop = subop;
        x.result = rc;
        put(x.h);
        counts.hypercalls++;
        if (rc < 0) counts.failed++;
        maybe_checkpoint();
        return rc;
    }

    i64 execute(u16 dom, u16 vcpu, u32 nr, const u64* a) {
        DomainState& d = *m.domain(dom);
        ArgMemory mem(*this);
        ReplayMmuCaller mc(m, d, d.vcpus[vcpu], mem);
        i64 rc;
        switch (nr) {
        case xen::HC_mmu_update:
            rc = hcore::mmu_update(m.types(), mc, a[0], a[1], a[2], a[3]);
            break;
        case xen::HC_mmuext_op:
            rc = hcore::mmuext_op(m.types(), mc, a[0], a[1], a[2], a[3]);
            break;
        case xen::HC_update_va_mapping:
            rc = hcore::update_va_mapping(m.types(), mc, a[0], a[1], a[2], dom);
            break;
        case xen::HC_event_channel_op: {
            ReplayEvtchnCaller ec(m, d, mem);
            rc = hcore::event_channel_op(ec, a[0], a[1]);
            break;
        }
        case xen::HC_update_descriptor:
            rc = m.types().update_descriptor(a[0], a[1], d.mm).as_hypercall_result();
            break;
        case xen::HC_multicall: {
            rc = 0;
            for (u64 i = 0; i < a[1]; i++) {
                xen::MulticallEntry me;
                u64 at = a[0] + i * sizeof me;
                if (!mem.read_obj(me, at).ok()) return -XEN_EFAULT;
                me.result = static_cast<u64>(
                    call(dom, vcpu, static_cast<u32>(me.op), 0,
                         {me.args[0], me.args[1], me.args[2], me.args[3], me.args[4]}, true));
                cur_dom = dom;
                cur_vcpu = vcpu;
                (void)mem.write_obj(at, me);
            }
            break;
        }
        default: // xen_version and the like: not modelled by replay
            counts.not_modelled++;
            rc = 0x40011;
            break;
        }
        (void)m.types().take_flush_request();
        return rc;
    }

    // --- The guests' workload --------------------------------------------

    GuestDomain& pick_dom() { return doms[below(doms.size())]; }
    u16 pick_vcpu(const GuestDomain& g) {
        return static_cast<u16>(below(m.domain(g.id)->vcpus.size()));
    }
    int pick_hooked(const GuestDomain& g) {
        int n = 0, slots[kL2Slots];
        for (unsigned j = 0; j < kL2Slots; j++)
            if (g.hooked[j] >= 0) slots[n++] = static_cast<int>(j);
        return n ? slots[below(static_cast<u64>(n))] : -1;
    }
    u64 data_pte(const GuestDomain& g) {
        u64 flags = mm::PTE_P | (chance(60) ? mm::PTE_RW : 0) | (chance(50) ? mm::PTE_US : 0) |
                    (chance(30) ? mm::PTE_A : 0);
        return mm::make_pte(g.data(below(kDataFrames)), flags);
    }
    // The guest writes a fresh L1 directly (no hypercall: what the
    // validate hook must record).
    void guest_fill_l1(const GuestDomain& g, u64 mfn, bool bad) {
        u64* t = m.memory().frame(mfn);
        std::memset(t, 0, kPageSize);
        for (unsigned k = 0, n = 1 + static_cast<unsigned>(below(24)); k < n; k++)
            t[below(512)] = data_pte(g);
        if (bad) t[below(512)] = mm::make_pte(g.l4(), mm::PTE_P | mm::PTE_RW);
    }

    void op_mmu_update(GuestDomain& g) {
        int j = pick_hooked(g);
        if (j < 0) return;
        unsigned n = 1 + static_cast<unsigned>(below(8));
        for (unsigned k = 0; k < n; k++) {
            int slot = pick_hooked(g);
            u64 l1 = g.pool(static_cast<unsigned>(g.hooked[slot]));
            xen::MmuUpdate u;
            unsigned cmd = chance(15) ? xen::MMU_PT_UPDATE_PRESERVE_AD : xen::MMU_NORMAL_PT_UPDATE;
            u.ptr = (l1 << kPageShift) + below(512) * 8 + cmd;
            u.val = chance(20) ? 0 : data_pte(g);
            if (opt.failures && chance(4)) u.val = mm::make_pte(g.l3(), mm::PTE_P | mm::PTE_RW);
            if (chance(3)) {
                u.ptr = (g.data(below(kDataFrames)) << kPageShift) + xen::MMU_MACHPHYS_UPDATE;
                u.val = below(1 << 20);
            }
            put_arg(k * sizeof u, u);
        }
        u64 reqs = kArgVa;
        // Now and then an array that runs off the guest's memory: -EFAULT
        // after the requests that could be read.
        if (opt.failures && chance(2)) reqs = kArgVa + kArgBytes - 2 * sizeof(xen::MmuUpdate);
        call(g.id, pick_vcpu(g), xen::HC_mmu_update, 0, {reqs, n, kArgVa + 0xF00, xen::DOMID_SELF});
    }

    void op_update_va(GuestDomain& g) {
        int j = opt.failures && chance(5) ? static_cast<int>(below(kL2Slots)) : pick_hooked(g);
        if (j < 0) return;
        u64 va = (u64(j) << 21) | (below(512) << 12);
        call(g.id, pick_vcpu(g), xen::HC_update_va_mapping, 0,
             {va, chance(15) ? 0 : data_pte(g), chance(50) ? xen::UVMF_INVLPG : xen::UVMF_NONE});
    }

    int free_pool(const GuestDomain& g) {
        bool used[kL1Pool] = {};
        for (int h : g.hooked)
            if (h >= 0) used[h] = true;
        for (unsigned tries = 0; tries < 8; tries++) {
            unsigned p = static_cast<unsigned>(below(kL1Pool));
            if (!used[p] && !g.pinned[p] && m.frames()[g.pool(p)].type_count == 0)
                return static_cast<int>(p);
        }
        return -1;
    }

    void op_hook_l1(GuestDomain& g) {
        int p = free_pool(g);
        if (p < 0) return;
        int j = -1;
        for (unsigned s = 0; s < kL2Slots; s++)
            if (g.hooked[s] < 0) {
                j = static_cast<int>(s);
                break;
            }
        if (j < 0) return;
        guest_fill_l1(g, g.pool(static_cast<unsigned>(p)), opt.failures && chance(10));
        xen::MmuUpdate u;
        u.ptr = (g.l2() << kPageShift) + static_cast<u64>(j) * 8;
        u.val = mm::make_pte(g.pool(static_cast<unsigned>(p)), mm::PTE_P | mm::PTE_RW);
        put_arg(0, u);
        i64 rc = call(g.id, pick_vcpu(g), xen::HC_mmu_update, 0, {kArgVa, 1, 0, xen::DOMID_SELF});
        if (rc == 0) g.hooked[j] = p;
    }

    void op_unhook_l1(GuestDomain& g) {
        int j = pick_hooked(g);
        if (j < 0) return;
        xen::MmuUpdate u;
        u.ptr = (g.l2() << kPageShift) + static_cast<u64>(j) * 8;
        u.val = 0;
        put_arg(0, u);
        i64 rc = call(g.id, pick_vcpu(g), xen::HC_mmu_update, 0, {kArgVa, 1, 0, xen::DOMID_SELF});
        if (rc == 0) g.hooked[j] = -1;
    }

    void op_pin(GuestDomain& g) {
        for (unsigned p = 0; p < kL1Pool; p++)
            if (g.pinned[p] && chance(50)) {
                xen::MmuextOp op{};
                op.cmd = xen::MMUEXT_UNPIN_TABLE;
                op.arg1 = g.pool(p);
                put_arg(0, op);
                if (call(g.id, pick_vcpu(g), xen::HC_mmuext_op, 0,
                         {kArgVa, 1, 0, xen::DOMID_SELF}) == 0)
                    g.pinned[p] = false;
                return;
            }
        int p = free_pool(g);
        if (p < 0) return;
        guest_fill_l1(g, g.pool(static_cast<unsigned>(p)), opt.failures && chance(10));
        xen::MmuextOp ops[2]{};
        ops[0].cmd = xen::MMUEXT_PIN_L1_TABLE;
        ops[0].arg1 = g.pool(static_cast<unsigned>(p));
        ops[1].cmd = xen::MMUEXT_TLB_FLUSH_LOCAL;
        put_arg(0, ops);
        if (call(g.id, pick_vcpu(g), xen::HC_mmuext_op, 0, {kArgVa, 2, 0, xen::DOMID_SELF}) == 0)
            g.pinned[p] = true;
    }

    void op_evtchn() {
        if (channels.empty() || chance(30)) {
            xen::EvtchnAllocUnbound au{};
            au.dom = xen::DOMID_SELF;
            au.remote_dom = 0;
            put_arg(0, au);
            if (call(1, 0, xen::HC_event_channel_op, xen::EVTCHNOP_alloc_unbound,
                     {xen::EVTCHNOP_alloc_unbound, kArgVa}) != 0)
                return;
            std::memcpy(&au, args.data(), sizeof au);
            xen::EvtchnBindInterdomain bi{};
            bi.remote_dom = 1;
            bi.remote_port = au.port;
            put_arg(0, bi);
            if (call(0, static_cast<u16>(below(2)), xen::HC_event_channel_op,
                     xen::EVTCHNOP_bind_interdomain,
                     {xen::EVTCHNOP_bind_interdomain, kArgVa}) == 0) {
                std::memcpy(&bi, args.data(), sizeof bi);
                channels.push_back({bi.local_port, au.port});
            }
            return;
        }
        usize c = below(channels.size());
        bool from0 = chance(50);
        xen::EvtchnPort p{from0 ? channels[c].port0 : channels[c].port1};
        if (opt.failures && chance(5)) p.port = 4000 + static_cast<u32>(below(200)); // unbound
        put_arg(0, p);
        u16 dom = from0 ? 0 : 1;
        u16 vcpu = from0 ? static_cast<u16>(below(2)) : 0;
        if (chance(80)) {
            call(dom, vcpu, xen::HC_event_channel_op, xen::EVTCHNOP_send,
                 {xen::EVTCHNOP_send, kArgVa});
        } else if (call(dom, vcpu, xen::HC_event_channel_op, xen::EVTCHNOP_close,
                        {xen::EVTCHNOP_close, kArgVa}) == 0) {
            // The other end is unbound now; close it too.
            xen::EvtchnPort q{from0 ? channels[c].port1 : channels[c].port0};
            put_arg(0, q);
            call(from0 ? 1 : 0, 0, xen::HC_event_channel_op, xen::EVTCHNOP_close,
                 {xen::EVTCHNOP_close, kArgVa});
            channels.erase(channels.begin() + static_cast<long>(c));
        }
    }

    void op_multicall(GuestDomain& g) {
        int j = pick_hooked(g);
        if (j < 0) return;
        xen::MulticallEntry me[2]{};
        for (auto& e : me) {
            e.op = xen::HC_update_va_mapping;
            e.args[0] = (u64(j) << 21) | (below(512) << 12);
            e.args[1] = data_pte(g);
            e.args[2] = xen::UVMF_INVLPG;
        }
        put_arg(0x1000, me);
        counts.multicalls++;
        call(g.id, pick_vcpu(g), xen::HC_multicall, 0, {kArgVa + 0x1000, 2});
    }

    void step() {
        u64 r = below(100);
        GuestDomain& g = pick_dom();
        if (r < 35)
            op_mmu_update(g);
        else if (r < 55)
            op_update_va(g);
        else if (r < 63)
            op_hook_l1(g);
        else if (r < 70)
            op_unhook_l1(g);
        else if (r < 78)
            op_pin(g);
        else if (r < 93)
            op_evtchn();
        else if (r < 96)
            op_multicall(g);
        else if (r < 97)
            // A data frame's descriptor slot: a null descriptor is accepted,
            // a random one mostly refused.
            call(g.id, pick_vcpu(g), xen::HC_update_descriptor, 0,
                 {(g.data(below(kDataFrames)) << kPageShift) + below(512) * 8,
                  chance(50) ? 0 : rand()});
        else
            call(g.id, pick_vcpu(g), xen::HC_xen_version, 0, {0, 0});
    }

    // --- The initial state, built with the same core ----------------------

    void build() {
        rng = opt.seed * 0x9E3779B97F4A7C15ull + 1;
        m.create(kFrames);
        mm::FrameTable& ft = m.frames();
        (void)ft.assign(0, kHvFrames, mm::kOwnerHypervisor);
        ft.mark_io(kIoFirst, kFrames - kIoFirst);
        u64 bases[2] = {kHvFrames, 2048};
        u64 sizes[2] = {2048 - kHvFrames, 1024};
        for (u16 id = 0; id < 2; id++) {
            DomainState& d = m.add_domain(id, id == 0 ? 2 : 1, id == 0);
            d.pages = sizes[id];
            (void)ft.assign(bases[id], sizes[id], id);
            (void)ft.share_with(kHvFrames - 2 + id, id); // its shared_info
            GuestDomain g{};
            g.id = id;
            g.base = bases[id];
            for (int& h : g.hooked)
                h = -1;
            u64* l4 = m.memory().frame(g.l4());
            u64* l3 = m.memory().frame(g.l3());
            u64* l2 = m.memory().frame(g.l2());
            l4[0] = mm::make_pte(g.l3(), mm::PTE_P | mm::PTE_RW);
            l3[0] = mm::make_pte(g.l2(), mm::PTE_P | mm::PTE_RW);
            for (unsigned j = 0; j < 4; j++) {
                l2[j] = mm::make_pte(g.pool(j), mm::PTE_P | mm::PTE_RW);
                g.hooked[j] = static_cast<int>(j);
                guest_fill_l1(g, g.pool(j), false);
            }
            if (!m.types().pin(g.l4(), mm::FrameType::L4, d.mm).ok()) __builtin_trap();
            for (VcpuState& v : d.vcpus) {
                if (!m.types().get_base_pointer(g.l4(), d.mm).ok()) __builtin_trap();
                v.kernel_l4_mfn = g.l4();
            }
            doms.push_back(g);
        }
        // A timer VIRQ on each of dom0's vCPUs, as a guest binds at boot.
        (void)m.domain(0)->evtchn->bind_virq(VIRQ_TIMER, 0);
        (void)m.domain(0)->evtchn->bind_virq(VIRQ_TIMER, 1);
        (void)m.types().take_flush_request();
        m.types().set_validate_hook(&Impl::on_validate, this);
    }
};

Scenario::Scenario(const ScenarioOptions& options) : impl_(std::make_unique<Impl>()) {
    impl_->opt = options;
    if (impl_->opt.checkpoint_every == 0) impl_->opt.checkpoint_every = ~0ull;
    impl_->build();
}

Scenario::~Scenario() = default;

void Scenario::snapshot(const std::function<void(const trace::RecordHeader&)>& emit) {
    write_snapshot(impl_->m, emit);
}

void Scenario::run(const std::function<void(const trace::RecordHeader&)>& emit) {
    impl_->emit = emit;
    g_recording = impl_.get();
    mm::g_type_change_hook = &Impl::on_type_change;
    while (impl_->emitted < impl_->opt.records)
        impl_->step();
    mm::g_type_change_hook = nullptr;
    g_recording = nullptr;
    impl_->emit = nullptr;
}

const ScenarioCounts& Scenario::counts() const {
    return impl_->counts;
}

trace::Status write_scenario(trace::Writer& w, const ScenarioOptions& options,
                             ScenarioCounts* counts) {
    Scenario s(options);
    trace::Status st;
    s.snapshot([&](const trace::RecordHeader& h) {
        if (st.ok()) st = w.add_snapshot(h);
    });
    s.run([&](const trace::RecordHeader& h) {
        if (st.ok()) st = w.append(h);
    });
    if (counts) *counts = s.counts();
    if (!st.ok()) return st;
    return w.finish();
}

} // namespace glass::replay
