// The fake target's "execution" and address spaces (see fake_target.hpp).
#include "tests/gdb/fake_target.hpp"

namespace gdb::test {

FakeTarget::FakeTarget() {
    for (u16 id = 0; id < 2; ++id) {
        Domain d{id, static_cast<u16>(id == 0 ? 2 : 1), DomainState::Running, {}, {}};
        d.code.assign(kCodeSize, 0x90); // nop
        d.data.resize(kDataSize);
        for (usize i = 0; i < kDataSize; ++i)
            d.data[i] = static_cast<u8>(i + id * 0x40);
        for (u16 v = 0; v < d.vcpus; ++v) {
            RegisterFile rf;
            for (unsigned r = 0; r < 16; ++r)
                rf.gpr[r] = 0x1000ull * (r + 1) + id * 0x100 + v;
            rf.gpr[kRsp] = kDataBase + kDataSize - 0x100;
            rf.rip = kCodeBase + 0x100 * (v + 1);
            rf.eflags = 0x246;
            rf.seg[0] = 0xe033; // cs: Xen's 64-bit PV kernel selector
            rf.seg[1] = 0xe02b;
            rf.fs_base = 0x7000 + v;
            rf.gs_base = 0xffff880000000000ull + v;
            rf.cr0 = 0x80050033;
            rf.cr3 = 0x1234000ull + id * 0x100000;
            rf.cr4 = 0x6f0;
            rf.efer = 0xd01;
            // A PV vCPU's x87 state is not saved on every entry: unavailable.
            for (unsigned r = kSt0; r <= kFop; ++r)
                rf.unavailable |= 1ull << r;
            regs_[thread_id({id, v})] = rf;
        }
        domains_.push_back(std::move(d));
    }
    last_.thread = {0, 0};
}

FakeTarget::Domain* FakeTarget::domain(u16 id) {
    for (auto& d : domains_) {
        if (d.id == id) return &d;
    }
    return nullptr;
}

u8* FakeTarget::byte_at(u16 dom, u64 addr) {
    Domain* d = domain(dom);
    if (!d) return nullptr;
    if (addr >= kCodeBase && addr - kCodeBase < kCodeSize) return &d->code[addr - kCodeBase];
    if (addr >= kDataBase && addr - kDataBase < kDataSize) return &d->data[addr - kDataBase];
    return nullptr;
}

bool FakeTarget::thread_at(usize index, ThreadRef& out) {
    for (auto& d : domains_) {
        if (index < d.vcpus) {
            out = {d.id, static_cast<u16>(index)};
            return true;
        }
        index -= d.vcpus;
    }
    return false;
}

bool FakeTarget::thread_alive(ThreadRef t) {
    Domain* d = domain(t.domain);
    return d && t.vcpu < d->vcpus;
}

Error FakeTarget::read_registers(ThreadRef t, RegisterFile& rf) {
    if (!thread_alive(t)) return Error::NoThread;
    rf = regs(t);
    return Error::Ok;
}

Error FakeTarget::write_registers(ThreadRef t, const RegisterFile& rf) {
    if (!thread_alive(t)) return Error::NoThread;
    RegisterFile keep = regs(t);
    regs(t) = rf;
    regs(t).unavailable = keep.unavailable;
    return Error::Ok;
}

Error FakeTarget::read_memory(ThreadRef t, u64 addr, u8* buf, usize len, usize& done) {
    done = 0;
    while (done < len) {
        u8* b = byte_at(t.domain, addr + done);
        if (!b) break;
        buf[done++] = *b;
    }
    return done || !len ? Error::Ok : Error::Fault;
}

Error FakeTarget::write_memory(ThreadRef t, u64 addr, const u8* buf, usize len) {
    for (usize i = 0; i < len; ++i) {
        if (!byte_at(t.domain, addr + i)) return Error::Fault;
    }
    for (usize i = 0; i < len; ++i)
        *byte_at(t.domain, addr + i) = buf[i];
    return Error::Ok;
}

Error FakeTarget::insert_breakpoint(BreakKind k, ThreadRef t, u64 addr, u64 kind) {
    if (!byte_at(t.domain, addr)) return Error::Fault;
    if (k != BreakKind::Software && breaks_.size() >= 4) return Error::NoSpace; // like DR0-DR3
    breaks_.insert({k, t.domain, addr, kind});
    return Error::Ok;
}

Error FakeTarget::remove_breakpoint(BreakKind k, ThreadRef t, u64 addr, u64 kind) {
    breaks_.erase({k, t.domain, addr, kind});
    return Error::Ok;
}

Error FakeTarget::resume(const ResumeAction* actions, usize n) {
    last_resume.assign(actions, actions + n);
    // The first action naming a specific thread picks who "runs"; a bare
    // continue runs the thread of the last stop.
    ThreadRef t = last_.thread;
    ResumeKind kind = actions[0].kind;
    for (usize i = 0; i < n; ++i) {
        if (!actions[i].all) {
            t = actions[i].thread;
            kind = actions[i].kind;
            break;
        }
    }
    running_ = true;
    StopEvent ev;
    ev.thread = t;
    RegisterFile& rf = regs(t);
    if (kind == ResumeKind::Step) {
        rf.rip += 1;
        pending_ = true;
        pending_ev_ = ev;
        return Error::Ok;
    }
    for (const Key& k : breaks_) {
        if (k.kind < BreakKind::WatchWrite) continue;
        // Every domain runs on continue: vCPU 0 of the watched domain
        // "writes" the watched variable.
        ev.thread = {k.domain, 0};
        u8* b = byte_at(k.domain, k.addr);
        if (b) ++*b;
        regs(ev.thread).rip += 3;
        ev.reason = k.kind == BreakKind::WatchWrite  ? StopReason::Watch
                    : k.kind == BreakKind::WatchRead ? StopReason::ReadWatch
                                                     : StopReason::AccessWatch;
        ev.watch_addr = k.addr;
        pending_ = true;
        pending_ev_ = ev;
        return Error::Ok;
    }
    // Next breakpoint strictly after rip (we are leaving the current one).
    const Key* next = nullptr;
    for (const Key& k : breaks_) {
        if (k.domain != t.domain || k.kind > BreakKind::Hardware || k.addr <= rf.rip) continue;
        if (!next || k.addr < next->addr) next = &k;
    }
    if (!next || run_forever) return Error::Ok; // runs until interrupted
    rf.rip = next->addr;
    ev.reason = next->kind == BreakKind::Software ? StopReason::SwBreak : StopReason::HwBreak;
    pending_ = true;
    pending_ev_ = ev;
    return Error::Ok;
}

Error FakeTarget::interrupt() {
    if (!running_) return Error::Ok;
    StopEvent ev;
    ev.thread = last_.thread;
    ev.signal = 2;
    regs(ev.thread).rip += 0x10;
    pending_ = true;
    pending_ev_ = ev;
    return Error::Ok;
}

bool FakeTarget::poll_stop(StopEvent& out) {
    if (!pending_) return false;
    pending_ = false;
    running_ = false;
    last_ = pending_ev_;
    out = last_;
    return true;
}

Error FakeTarget::detach() {
    breaks_.clear();
    detached = true;
    return Error::Ok;
}

Error FakeTarget::kill() {
    killed = true;
    return Error::Ok;
}

bool FakeTarget::domain_at(usize index, DomainInfo& out) {
    if (index >= domains_.size()) return false;
    const Domain& d = domains_[index];
    out = {d.id, d.vcpus, d.state, 16 * 1024};
    return true;
}

Error FakeTarget::pause_domain(u16 dom) {
    Domain* d = domain(dom);
    if (!d) return Error::NoDomain;
    d->state = DomainState::Paused;
    return Error::Ok;
}

Error FakeTarget::attach_domain(u16 dom) {
    if (!domain(dom)) return Error::NoDomain;
    (void)detach();
    attached_domain = dom;
    return Error::Ok;
}

Error FakeTarget::unpause_domain(u16 dom) {
    Domain* d = domain(dom);
    if (!d) return Error::NoDomain;
    d->state = DomainState::Running;
    return Error::Ok;
}

bool FakeTarget::layout_at(usize index, LayoutRegion& out) {
    static constexpr LayoutRegion kLayout[] = {
        {"m2p", 0xffff800000000000ull, 0xffff808000000000ull},
        {"hv_image", 0xffff82d080000000ull, 0xffff82d0bfffffffull + 1},
        {"directmap", 0xffff830000000000ull, 0xffff880000000000ull},
    };
    if (index >= sizeof kLayout / sizeof kLayout[0]) return false;
    out = kLayout[index];
    return true;
}

} // namespace gdb::test
