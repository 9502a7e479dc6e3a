#include "hv/debug/gdb_target.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/debugregs.hpp"
#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/layout.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/core/inject/spec_text.hpp"
#include "hv/debug/guest_va.hpp"
#include "hv/domain/crash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/domain/domain_ctl.hpp"
#include "hv/inject/injector.hpp"
#include "hv/trace/control.hpp"

extern "C" char __bss_end[];

using gdb::BreakKind;
using gdb::Error;
using gdb::StopEvent;
using gdb::StopReason;
using gdb::ThreadRef;

namespace {

constexpr u8 kInt3 = 0xCC;
constexpr u64 kDr6Step = 1ull << 14;
constexpr u64 kDr6Clear = 0xffff0ff0;
// Flags a debugger may change: arithmetic flags, TF, DF, RF, AC, ID. IF,
// IOPL, NT and VM belong to the hypervisor (a PV guest always runs with
// IF set; its virtual IF is in vcpu_info).
constexpr u64 kDebuggerFlags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 |
                               arch::RFLAGS_RF | arch::RFLAGS_AC | (1ull << 21);

// Domain ids the registry can hold (domain_alloc refuses larger ones).
constexpr unsigned kDomainIds = 256;

// The n-th built domain in id order: threads and qGlasshouse.domains are
// enumerated by index, with no list to keep.
Domain* domain_nth(usize n) {
    for (unsigned id = 0; id < kDomainIds; id++) {
        Domain* d = domain_lookup(static_cast<u16>(id));
        if (!d || d->state == DomainState::building) continue;
        if (n-- == 0) return d;
    }
    return nullptr;
}

Vcpu* find_vcpu(ThreadRef t) {
    Domain* d = domain_lookup(t.domain);
    if (!d || d->state == DomainState::building || t.vcpu >= d->nr_vcpus) return nullptr;
    return &d->vcpus[t.vcpu];
}

bool on_other_cpu(const Vcpu* v) {
    for (unsigned id = 0; id < arch::nr_cpus_registered(); id++) {
        CpuInfo* ci = arch::cpu_by_id(id);
        if (ci && ci != cpu_info() && ci->current == v) return true;
    }
    return false;
}

// Where v's registers are now: this CPU's entry frame when v was running
// here (the exit path saves it), the saved copy when v is off every CPU,
// nowhere stable while another CPU runs it.
Regs* vcpu_regs(Vcpu* v) {
    CpuInfo* ci = cpu_info();
    if (ci->current == v) return &ci->guest_regs;
    return on_other_cpu(v) ? nullptr : &v->regs;
}

// The address space gdb means: the vCPU's current one, else (a vCPU not
// yet started) the domain's kernel tables from any vCPU.
u64 vcpu_l4(const Vcpu* v) {
    u64 l4 = v->kernel_mode ? v->kernel_l4_mfn : v->user_l4_mfn;
    if (l4) return l4;
    const Domain* d = v->domain;
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i].kernel_l4_mfn) return d->vcpus[i].kernel_l4_mfn;
    return 0;
}

// DR7 encodings (SDM Vol. 3B §17.2.4): R/W 00 execute, 01 write, 11
// read/write (x86 has no read-only watch: rwatch uses 11); LEN 00 1 byte,
// 01 2, 11 4, 10 8.
bool dr7_bits(BreakKind k, u64 len, unsigned slot, u64& bits) {
    u64 rw = k == BreakKind::Hardware ? 0 : k == BreakKind::WatchWrite ? 1 : 3;
    u64 ln;
    switch (k == BreakKind::Hardware ? 1 : len) {
    case 1:
        ln = 0;
        break;
    case 2:
        ln = 1;
        break;
    case 4:
        ln = 3;
        break;
    case 8:
        ln = 2;
        break;
    default:
        return false;
    }
    bits = (1ull << (2 * slot)) | (rw << (16 + 4 * slot)) | (ln << (18 + 4 * slot));
    return true;
}

u64 dr7_slot_mask(unsigned slot) {
    return (3ull << (2 * slot)) | (0xFull << (16 + 4 * slot));
}

} // namespace

// --- domains stopped by the debugger

bool HvTarget::is_stopped(u16 id) const {
    for (usize i = 0; i < nstopped_; i++)
        if (stopped_[i] == id) return true;
    return false;
}

void HvTarget::stop_domain(Domain* d) {
    if (is_stopped(d->id) || nstopped_ == kMaxStopped) return;
    stopped_[nstopped_++] = d->id;
    domain_pause(d); // kicks its vCPUs off their CPUs
}

void HvTarget::release_domain(Domain* d) {
    for (usize i = 0; i < nstopped_; i++) {
        if (stopped_[i] != d->id) continue;
        stopped_[i] = stopped_[--nstopped_];
        (void)domain_unpause(d); // our pause is still counted: cannot fail
        return;
    }
}

void HvTarget::queue_stop(const StopEvent& ev) {
    if (nqueued_ < kMaxQueued) queued_[nqueued_++] = ev;
}

bool HvTarget::event_queued_for(u16 id) const {
    for (usize i = 0; i < nqueued_; i++)
        if (queued_[i].thread.domain == id) return true;
    return false;
}

bool HvTarget::off_other_cpus(const Domain* d) const {
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (on_other_cpu(&d->vcpus[i])) return false;
    return true;
}

// --- traps

bool HvTarget::guest_trap(Vcpu* v, Regs& r, unsigned vector) {
    Domain* d = v->domain;
    ThreadRef self{d->id, static_cast<u16>(v->id)};
    if (vector == 3) {
        u64 addr = r.rip - 1;
        for (SoftBreak& b : soft_) {
            if (b.owner != this || b.domain != d->id || b.addr != addr) continue;
            r.rip = addr; // gdb expects the breakpoint's address (swbreak+)
            queue_stop(StopEvent{StopReason::SwBreak, 5, self});
            stop_domain(d);
            return true;
        }
        // Another vCPU hit a breakpoint gdb has removed since: the original
        // byte is back, so run it. A real int3 in the guest, or the other
        // server's breakpoint, still reads 0xCC.
        u8 byte = kInt3;
        if (guest_va_read(vcpu_l4(v), addr, &byte, 1) == 1 && byte != kInt3) {
            r.rip = addr;
            return true;
        }
        return false;
    }
    if (vector != 1) return false;
    u64 dr6 = arch::read_dr6();
    bool ours = false;
    StopEvent ev{StopReason::Signal, 5, self};
    for (Vcpu*& s : stepping_) {
        if (s != v || !(dr6 & kDr6Step)) continue;
        s = nullptr;
        r.rflags &= ~arch::RFLAGS_TF;
        ours = true;
    }
    for (unsigned i = 0; i < 4; i++) {
        const HwBreak& h = hw_[i];
        if (h.owner != this || h.domain != d->id || !(dr6 & (1ull << i))) continue;
        ours = true;
        switch (h.kind) {
        case BreakKind::Hardware:
            ev.reason = StopReason::HwBreak;
            break;
        case BreakKind::WatchWrite:
            ev.reason = StopReason::Watch;
            break;
        case BreakKind::WatchRead:
            ev.reason = StopReason::ReadWatch;
            break;
        default:
            ev.reason = StopReason::AccessWatch;
            break;
        }
        ev.watch_addr = h.addr;
    }
    if (!ours) return false;
    arch::write_dr(6, kDr6Clear);
    queue_stop(ev);
    stop_domain(d);
    return true;
}

// --- threads and state

bool HvTarget::thread_at(usize i, ThreadRef& t) {
    for (usize n = 0; Domain* d = domain_nth(n); n++) {
        if (i < d->nr_vcpus) {
            t = ThreadRef{d->id, static_cast<u16>(i)};
            return true;
        }
        i -= d->nr_vcpus;
    }
    return false;
}

bool HvTarget::thread_alive(ThreadRef t) {
    return find_vcpu(t) != nullptr;
}

Error HvTarget::read_registers(ThreadRef t, gdb::RegisterFile& rf) {
    Vcpu* v = find_vcpu(t);
    if (!v) return Error::NoThread;
    // A vCPU another CPU runs now (its domain is not stopped) shows the
    // registers it had when it last left a CPU: stale but whole, so gdb's
    // thread list never fails on a running domain.
    Regs* r = vcpu_regs(v);
    if (!r) r = &v->regs;
    rf = {};
    const u64 gpr[16] = {r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
                         r->r8,  r->r9,  r->r10, r->r11, r->r12, r->r13, r->r14, r->r15};
    for (unsigned i = 0; i < 16; i++)
        rf.gpr[i] = gpr[i];
    rf.rip = r->rip;
    rf.eflags = static_cast<u32>(r->rflags);
    for (Vcpu* s : stepping_)
        if (s == v) rf.eflags &= ~static_cast<u32>(arch::RFLAGS_TF); // ours, not the guest's
    const u32 seg[6] = {
        static_cast<u32>(r->cs), static_cast<u32>(r->ss), v->ds, v->es, v->fs, v->gs};
    for (unsigned i = 0; i < 6; i++)
        rf.seg[i] = seg[i];
    rf.fs_base = v->fs_base;
    rf.gs_base = v->kernel_mode ? v->gs_base_kernel : v->gs_base_user;
    rf.kernel_gs_base = v->kernel_mode ? v->gs_base_user : v->gs_base_kernel;
    rf.cr2 = v->cr2;
    rf.cr3 = vcpu_l4(v) << 12;
    // x87 state is not saved per entry; CR0/CR4/CR8/EFER are the
    // hypervisor's, not the guest's.
    for (unsigned reg = gdb::kSt0; reg <= gdb::kFop; reg++)
        rf.unavailable |= 1ull << reg;
    rf.unavailable |=
        1ull << gdb::kCr0 | 1ull << gdb::kCr4 | 1ull << gdb::kCr8 | 1ull << gdb::kEfer;
    return Error::Ok;
}

Error HvTarget::write_registers(ThreadRef t, const gdb::RegisterFile& rf) {
    Vcpu* v = find_vcpu(t);
    if (!v) return Error::NoThread;
    if (!is_stopped(t.domain)) return Error::Busy;
    Regs* r = vcpu_regs(v);
    if (!r) return Error::Busy;
    if (rf.available(gdb::kRip) && !xen::guest_addr_ok(rf.rip)) return Error::Invalid;
    u64* gpr[16] = {&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp, &r->rsp,
                    &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15};
    for (unsigned i = 0; i < 16; i++)
        if (rf.available(i)) *gpr[i] = rf.gpr[i];
    if (rf.available(gdb::kRip)) r->rip = rf.rip;
    if (rf.available(gdb::kEflags))
        r->rflags = (r->rflags & ~kDebuggerFlags) | (rf.eflags & kDebuggerFlags);
    // Selectors, bases and control registers stay as the guest set them:
    // changing them needs the checks of the hypercalls that own them.
    return Error::Ok;
}

Error HvTarget::read_memory(ThreadRef t, u64 addr, u8* out, usize len, usize& done) {
    done = 0;
    Vcpu* v = find_vcpu(t);
    if (!v) return Error::NoThread;
    done = guest_va_read(vcpu_l4(v), addr, out, len);
    // Planted breakpoints read as 0xCC: gdb keeps the shadow bytes and
    // masks its own breakpoints, as with any remote target.
    return done == 0 && len != 0 ? Error::Fault : Error::Ok;
}

Error HvTarget::write_memory(ThreadRef t, u64 addr, const u8* data, usize len) {
    Vcpu* v = find_vcpu(t);
    if (!v) return Error::NoThread;
    return guest_va_write(vcpu_l4(v), addr, data, len) ? Error::Ok : Error::Fault;
}

// --- breakpoints

Error HvTarget::soft_insert(Vcpu* v, u64 addr) {
    u16 dom = v->domain->id;
    for (const SoftBreak& b : soft_)
        if (b.owner && b.domain == dom && b.addr == addr)
            return b.owner == this ? Error::Ok : Error::Busy; // the other server's
    for (SoftBreak& b : soft_) {
        if (b.owner) continue;
        u64 l4 = vcpu_l4(v);
        u8 saved;
        if (guest_va_read(l4, addr, &saved, 1) != 1) return Error::Fault;
        if (!guest_va_write(l4, addr, &kInt3, 1)) return Error::Fault;
        b = SoftBreak{this, dom, l4, addr, saved};
        return Error::Ok;
    }
    return Error::NoSpace;
}

Error HvTarget::soft_remove(Vcpu* v, u64 addr) {
    for (SoftBreak& b : soft_) {
        if (b.owner != this || b.domain != v->domain->id || b.addr != addr) continue;
        b.owner = nullptr;
        return guest_va_write(b.l4_mfn, addr, &b.saved, 1) ? Error::Ok : Error::Fault;
    }
    return Error::Ok; // gdb removes what it believes inserted; nothing to do
}

void HvTarget::hw_load(Domain* d) {
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        Vcpu* v = &d->vcpus[i];
        for (unsigned s = 0; s < 4; s++) {
            const HwBreak& h = hw_[s];
            if (!h.owner || h.domain != d->id) continue;
            u64 bits = 0;
            (void)dr7_bits(h.kind, h.len, s, bits); // checked at insert
            v->dr[s] = h.addr;
            v->dr7 = (v->dr7 & ~dr7_slot_mask(s)) | bits;
        }
    }
}

Error HvTarget::hw_insert(Domain* d, BreakKind k, u64 addr, u64 len) {
    if (!xen::guest_addr_ok(addr)) return Error::Invalid;
    if (k != BreakKind::Hardware && (addr & (len - 1))) return Error::Invalid;
    for (unsigned s = 0; s < 4; s++) {
        if (hw_[s].owner) continue;
        u64 bits;
        if (!dr7_bits(k, len, s, bits)) return Error::Invalid;
        hw_[s] = HwBreak{this, d->id, k, addr, len};
        hw_load(d);
        return Error::Ok;
    }
    return Error::NoSpace;
}

Error HvTarget::hw_remove(Domain* d, BreakKind k, u64 addr, u64 len) {
    for (unsigned s = 0; s < 4; s++) {
        HwBreak& h = hw_[s];
        if (h.owner != this || h.domain != d->id || h.kind != k || h.addr != addr || h.len != len)
            continue;
        h.owner = nullptr;
        for (unsigned i = 0; i < d->nr_vcpus; i++) {
            d->vcpus[i].dr[s] = 0;
            d->vcpus[i].dr7 &= ~dr7_slot_mask(s);
        }
        return Error::Ok;
    }
    return Error::Ok;
}

Error HvTarget::insert_breakpoint(BreakKind k, ThreadRef t, u64 addr, u64 len) {
    Vcpu* v = find_vcpu(t);
    if (!v) return Error::NoThread;
    if (k == BreakKind::Software) return soft_insert(v, addr);
    return hw_insert(v->domain, k, addr, len);
}

Error HvTarget::remove_breakpoint(BreakKind k, ThreadRef t, u64 addr, u64 len) {
    Vcpu* v = find_vcpu(t);
    if (!v) return Error::NoThread;
    if (k == BreakKind::Software) return soft_remove(v, addr);
    return hw_remove(v->domain, k, addr, len);
}

void HvTarget::remove_all(u16 id) {
    Domain* d = domain_lookup(id);
    for (SoftBreak& b : soft_) {
        if (b.owner != this || b.domain != id) continue;
        b.owner = nullptr;
        if (d) (void)guest_va_write(b.l4_mfn, b.addr, &b.saved, 1);
    }
    for (unsigned s = 0; s < 4; s++)
        if (hw_[s].owner == this && hw_[s].domain == id && d)
            (void)hw_remove(d, hw_[s].kind, hw_[s].addr, hw_[s].len);
    for (Vcpu*& s : stepping_) {
        if (!s || s->domain->id != id) continue;
        if (Regs* r = vcpu_regs(s)) r->rflags &= ~arch::RFLAGS_TF;
        s = nullptr;
    }
}

// --- execution

Error HvTarget::resume(const gdb::ResumeAction* actions, usize n) {
    for (usize i = 0; i < n; i++) {
        if (!actions[i].all) {
            focus_ = actions[i].thread.domain;
            break;
        }
    }
    nactions_ = n < gdb::kMaxResumeActions ? n : gdb::kMaxResumeActions;
    for (usize i = 0; i < nactions_; i++)
        actions_[i] = actions[i];
    nresuming_ = 0;
    for (usize i = 0; i < nstopped_; i++)
        resuming_[nresuming_++] = stopped_[i];
    finish_resumes();
    return Error::Ok;
}

// A domain is released only once its vCPUs have left every CPU: a vCPU
// still loaded elsewhere (its kick not yet handled) would run on with the
// debug registers and flags it had, since a CPU that picks the same vCPU
// again does not reload them, so a watchpoint set meanwhile would never
// fire and a step would not be taken.
void HvTarget::finish_resumes() {
    for (usize i = 0; i < nresuming_;) {
        Domain* d = domain_lookup(resuming_[i]);
        if (d && !off_other_cpus(d)) {
            i++;
            continue;
        }
        u16 id = resuming_[i];
        resuming_[i] = resuming_[--nresuming_];
        if (!d) {
            for (usize k = 0; k < nstopped_; k++)
                if (stopped_[k] == id) stopped_[k] = stopped_[--nstopped_];
            continue;
        }
        resume_domain(d);
    }
}

void HvTarget::resume_domain(Domain* d) {
    // A stop already queued for it is reported before it runs again.
    if (event_queued_for(d->id)) return;
    bool run = false;
    for (unsigned c = 0; c < d->nr_vcpus; c++) {
        Vcpu* v = &d->vcpus[c];
        ThreadRef t{d->id, static_cast<u16>(c)};
        gdb::ResumeKind kind = gdb::ResumeKind::Stop;
        for (usize a = 0; a < nactions_; a++) {
            if (actions_[a].all || actions_[a].thread == t) {
                kind = actions_[a].kind;
                break;
            }
        }
        if (kind == gdb::ResumeKind::Stop) continue;
        run = true;
        Regs* r = vcpu_regs(v);
        if (!r) continue;
        if (kind == gdb::ResumeKind::Step) {
            for (Vcpu*& s : stepping_) {
                if (s) continue;
                s = v;
                r->rflags |= arch::RFLAGS_TF;
                break;
            }
        }
        // An instruction breakpoint is a fault: without RF it would hit
        // again at once (SDM Vol. 3B §17.3.1.1).
        for (const HwBreak& h : hw_)
            if (h.owner == this && h.domain == d->id && h.kind == BreakKind::Hardware &&
                h.addr == r->rip)
                r->rflags |= arch::RFLAGS_RF;
    }
    if (run) release_domain(d);
}

Error HvTarget::interrupt() {
    Domain* d = domain_lookup(focus_);
    if (!d) return Error::NoDomain;
    stop_domain(d);
    queue_stop(StopEvent{StopReason::Signal, 2, ThreadRef{d->id, 0}});
    return Error::Ok;
}

bool HvTarget::poll_stop(StopEvent& ev) {
    finish_resumes();
    for (usize i = 0; i < nqueued_; i++) {
        Domain* d = domain_lookup(queued_[i].thread.domain);
        if (d && !off_other_cpus(d)) continue; // its state is not saved yet
        ev = queued_[i];
        for (usize k = i + 1; k < nqueued_; k++)
            queued_[k - 1] = queued_[k];
        nqueued_--;
        if (!d) {
            ev.reason = StopReason::Killed;
            ev.signal = 9;
        }
        return true;
    }
    return false;
}

StopEvent HvTarget::halt_reason() {
    // A control connection reports "no signal" and stops nothing: tools
    // poll the hypervisor while the guests run.
    if (role_ == Role::Control) return StopEvent{StopReason::Signal, 0, ThreadRef{focus_, 0}};
    Domain* d = domain_lookup(focus_);
    if (d) stop_domain(d);
    return StopEvent{StopReason::Signal, 5, ThreadRef{focus_, 0}};
}

Error HvTarget::detach() {
    for (unsigned id = 0; id < kDomainIds; id++)
        if (domain_lookup(static_cast<u16>(id))) remove_all(static_cast<u16>(id));
    for (HwBreak& h : hw_)
        if (h.owner == this) h.owner = nullptr;
    for (SoftBreak& b : soft_)
        if (b.owner == this) b.owner = nullptr;
    while (nstopped_) {
        Domain* d = domain_lookup(stopped_[0]);
        if (d)
            release_domain(d);
        else
            stopped_[0] = stopped_[--nstopped_];
    }
    nqueued_ = 0;
    nresuming_ = 0;
    focus_ = 0; // the next connection starts at domain 0 again
    return Error::Ok;
}

Error HvTarget::kill() {
    u16 id = focus_;
    (void)detach();
    Domain* d = domain_lookup(id);
    if (!d) return Error::NoDomain;
    // A shutdown, not a destruction: domain 0's toolstack (or, for domain
    // 0, the machine) decides what follows, as after the guest's own.
    domain_shutdown(d, xen::SHUTDOWN_poweroff);
    return Error::Ok;
}

// --- Glasshouse extensions

bool HvTarget::domain_at(usize i, gdb::DomainInfo& info) {
    Domain* d = domain_nth(i);
    if (!d) return false;
    info.id = d->id;
    info.vcpus = static_cast<u16>(d->nr_vcpus);
    info.memory_kib = d->nr_pages * 4;
    if (d->state == DomainState::crashed)
        info.state = gdb::DomainState::Crashed;
    else if (d->state == DomainState::dying)
        info.state = gdb::DomainState::Dying;
    else if (is_stopped(d->id))
        info.state = gdb::DomainState::Stopped;
    else if (d->pause_count || d->state != DomainState::running)
        info.state = gdb::DomainState::Paused;
    else
        info.state = gdb::DomainState::Running;
    return true;
}

Error HvTarget::pause_domain(u16 id) {
    Domain* d = domain_lookup(id);
    if (!d) return Error::NoDomain;
    stop_domain(d);
    return Error::Ok;
}

// Releases the tools' own stop, else the pause domain 0 handed to the host
// (DOMCTL_glass_hand_to_host); never a pause domain 0 kept for itself.
Error HvTarget::unpause_domain(u16 id) {
    Domain* d = domain_lookup(id);
    if (!d) return Error::NoDomain;
    if (is_stopped(id)) {
        remove_all(id);
        release_domain(d);
        return Error::Ok;
    }
    return domain_unpause_by_host(d).ok() ? Error::Ok : Error::Busy;
}

// gdb debugs one domain at a time: switching releases the old one (its
// breakpoints, steps and stops go, as on detach) so it runs on unwatched.
Error HvTarget::attach_domain(u16 id) {
    Domain* d = domain_lookup(id);
    if (!d || d->state == DomainState::building) return Error::NoDomain;
    (void)detach();
    focus_ = id;
    stop_domain(d);
    return Error::Ok;
}

bool HvTarget::layout_at(usize i, gdb::LayoutRegion& r) {
    constexpr u64 kSlot = 1ull << 39;
    const gdb::LayoutRegion regions[] = {
        {"m2p", HV_M2P_RO_START, HV_M2P_RO_START + kSlot},
        {"percpu_gdt", HV_PERCPU_GDT_START, HV_PERCPU_GDT_START + kSlot},
        {"image", HV_IMAGE_VIRT_OFFSET + HV_IMAGE_PHYS_BASE, reinterpret_cast<u64>(__bss_end)},
        {"directmap", HV_DIRECTMAP_START, HV_DIRECTMAP_END},
    };
    if (i >= sizeof regions / sizeof regions[0]) return false;
    r = regions[i];
    return true;
}

// qGlasshouse.trace.*: the recorder's control (hv/trace/control). Runs with
// the hypervisor lock held, like every packet; a start writes the snapshot
// before the reply goes out, so the host must be draining meanwhile.
Error HvTarget::trace_control(gdb::TraceOp op, const gdb::TraceFilters& f) {
    trace::Request req{};
    req.cmd = op == gdb::TraceOp::Start  ? trace::Command::Start
              : op == gdb::TraceOp::Stop ? trace::Command::Stop
                                         : trace::Command::Filter;
    req.filters = {f.domain_mask, f.hypercall_mask, f.type_mask, f.checkpoint_interval};
    i64 rc = trace::trace_apply(req);
    if (rc == 0) return Error::Ok;
    if (rc == -static_cast<i64>(XEN_EBUSY)) return Error::Busy;
    if (rc == -static_cast<i64>(XEN_ENODEV)) return Error::NotSupported;
    return Error::Invalid;
}

bool HvTarget::trace_status(gdb::TraceStatus& s) {
    const trace::TraceControl& c = trace::trace_control();
    s.state = c.state;
    s.epoch = c.epoch;
    s.records = s.lost = 0;
    for (unsigned i = 0; i < c.nr_rings; i++) {
        s.records += c.rings[i].records;
        s.lost += c.rings[i].lost;
    }
    return true;
}

// --- fault injection (hv/inject)

Error HvTarget::inject_arm(const char* text, usize len, u32& id) {
    inject::Spec spec;
    if (inject::parse_spec(text, len, spec)) return Error::Invalid;
    auto r = injector_arm(spec);
    if (r.ok()) {
        id = *r;
        return Error::Ok;
    }
    switch (r.error()) {
    case XEN_ESRCH:
        return Error::NoDomain;
    case XEN_EFAULT:
        return Error::Fault;
    case XEN_ENOSPC:
        return Error::NoSpace;
    default:
        return Error::Invalid;
    }
}

Error HvTarget::inject_cancel(u32 id) {
    return injector_cancel(id).ok() ? Error::Ok : Error::NotFound;
}

bool HvTarget::injection_at(usize i, char* buf, usize cap) {
    const inject::InjectionTable& t = injector_table();
    // The i-th slot in use, by slot order.
    for (usize s = 0; const inject::Injection* in = t.at(s); s++) {
        if (in->state == inject::State::Free) continue;
        if (i-- == 0) {
            (void)inject::format_entry(*in, buf, cap); // a cut entry still ends in NUL
            return true;
        }
    }
    return false;
}
