// The hypervisor as a gdb::Target: threads are every domain's vCPUs,
// memory is guest-virtual through the vCPU's own page tables, and a stop
// pauses only the domain it happened in (all-stop per domain); the
// hypervisor and the other domains run on.
//
// Two roles share this class: the debugger's (gdb=...: connecting stops
// the attach domain, as gdb expects a stopped target) and the control
// connection's (control=...: tools that must not disturb the guests; the
// '?' packet stops nothing, domains stop only when asked). Each target
// counts its own pauses; breakpoint slots are shared by both, so neither
// can plant over the other's.
//
// Concurrency: every method runs under the hypervisor lock (the serial
// interrupt, the poll timer and the guest-trap hook all hold it), so the
// domain and vCPU state it reads cannot change underneath it. A paused
// vCPU still loaded on another CPU is not readable until that CPU has
// left it: stops are reported only once that has happened.
#pragma once

#include "gdbstub/target.hpp"
#include "hv/arch/x86_64/regs.hpp"

struct Domain;
struct Vcpu;

class HvTarget final : public gdb::Target {
  public:
    enum class Role : u8 { Debugger, Control };
    explicit HvTarget(Role role) : role_(role) {}

    // The domain gdb stops when it connects (the '?' packet).
    void set_attach_domain(u16 id) { focus_ = id; }

    // Guest-trap hook: #BP at a planted breakpoint, #DB of a debugger step
    // or debug register. True when the trap was the debugger's (it is then
    // consumed, the domain paused and the stop queued).
    bool guest_trap(Vcpu* v, Regs& r, unsigned vector);
    // A stop is queued and not yet reported (the server polls faster).
    bool stop_pending() const { return nqueued_ != 0 || nresuming_ != 0; }

    bool thread_at(usize i, gdb::ThreadRef& t) override;
    bool thread_alive(gdb::ThreadRef t) override;
    gdb::Error read_registers(gdb::ThreadRef t, gdb::RegisterFile& rf) override;
    gdb::Error write_registers(gdb::ThreadRef t, const gdb::RegisterFile& rf) override;
    gdb::Error read_memory(gdb::ThreadRef t, u64 addr, u8* out, usize len, usize& done) override;
    gdb::Error write_memory(gdb::ThreadRef t, u64 addr, const u8* data, usize len) override;
    gdb::Error insert_breakpoint(gdb::BreakKind k, gdb::ThreadRef t, u64 addr, u64 len) override;
    gdb::Error remove_breakpoint(gdb::BreakKind k, gdb::ThreadRef t, u64 addr, u64 len) override;
    gdb::Error resume(const gdb::ResumeAction* actions, usize n) override;
    gdb::Error interrupt() override;
    bool poll_stop(gdb::StopEvent& ev) override;
    gdb::StopEvent halt_reason() override;
    gdb::Error detach() override;
    gdb::Error kill() override;
    bool domain_at(usize i, gdb::DomainInfo& info) override;
    gdb::Error pause_domain(u16 id) override;
    gdb::Error unpause_domain(u16 id) override;
    gdb::Error attach_domain(u16 id) override;
    bool layout_at(usize i, gdb::LayoutRegion& r) override;
    gdb::Error trace_control(gdb::TraceOp op, const gdb::TraceFilters& f) override;
    bool trace_status(gdb::TraceStatus& s) override;
    gdb::Error inject_arm(const char* spec, usize len, u32& id) override;
    gdb::Error inject_cancel(u32 id) override;
    bool injection_at(usize i, char* buf, usize cap) override;

  private:
    static constexpr usize kMaxStopped = 8;
    static constexpr usize kMaxSoftBreaks = 64;
    static constexpr usize kMaxQueued = 8;

    // owner == nullptr: the slot is free.
    struct SoftBreak {
        const HvTarget* owner;
        u16 domain;
        u64 l4_mfn; // the address space it was planted in
        u64 addr;
        u8 saved;
    };
    // Debug-register breakpoints are per domain: every vCPU of the domain
    // gets the same slot (the guest's own use of that slot is overridden
    // while the debugger holds it).
    struct HwBreak {
        const HvTarget* owner;
        u16 domain;
        gdb::BreakKind kind;
        u64 addr;
        u64 len;
    };

    bool is_stopped(u16 id) const;
    void stop_domain(Domain* d);
    void release_domain(Domain* d);
    void queue_stop(const gdb::StopEvent& ev);
    bool event_queued_for(u16 id) const;
    bool off_other_cpus(const Domain* d) const;
    gdb::Error soft_insert(Vcpu* v, u64 addr);
    gdb::Error soft_remove(Vcpu* v, u64 addr);
    gdb::Error hw_insert(Domain* d, gdb::BreakKind k, u64 addr, u64 len);
    gdb::Error hw_remove(Domain* d, gdb::BreakKind k, u64 addr, u64 len);
    void hw_load(Domain* d);
    void remove_all(u16 id);
    void finish_resumes();
    void resume_domain(Domain* d);

    // Shared by every HvTarget: the guest has one memory and one set of
    // debug registers per vCPU.
    static inline SoftBreak soft_[kMaxSoftBreaks] = {};
    static inline HwBreak hw_[4] = {};

    Role role_;
    u16 focus_ = 0;
    u16 stopped_[kMaxStopped] = {};
    usize nstopped_ = 0;
    gdb::StopEvent queued_[kMaxQueued];
    usize nqueued_ = 0;
    Vcpu* stepping_[16] = {};
    // Domains a resume releases once their vCPUs are off every CPU, with
    // the actions it named.
    u16 resuming_[kMaxStopped] = {};
    usize nresuming_ = 0;
    gdb::ResumeAction actions_[gdb::kMaxResumeActions];
    usize nactions_ = 0;
};
