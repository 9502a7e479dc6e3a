// The interface between the protocol layer and whatever is being debugged:
// the hypervisor (domains' vCPUs), the host-side fake target of the tests,
// or a recorded trace. The protocol layer never touches guest state itself.
//
// Contract (see PROTOCOL.md, "Target interface"):
//  * Every call comes from the one thread that feeds the Session; the target
//    needs no locking against the protocol layer.
//  * A method the target does not implement keeps its default, which
//    returns Error::NotSupported; the session answers that with gdb's empty
//    reply ("not supported") so gdb falls back where it can.
//  * Memory is guest-virtual, translated through the thread's own page
//    tables. An unmapped page is Error::Fault, never a fault of the caller.
//  * Stops are reported through poll_stop() after resume() or interrupt();
//    the session calls it from Session::poll().
#pragma once

#include "gdbstub/base.hpp"
#include "gdbstub/registers.hpp"
#include "gdbstub/thread_id.hpp"

namespace gdb {

// Z/z packet types, numbered as in the packets.
enum class BreakKind : u8 {
    Software = 0,
    Hardware = 1,
    WatchWrite = 2,
    WatchRead = 3,
    WatchAccess = 4
};

enum class StopReason : u8 {
    Signal,
    SwBreak,
    HwBreak,
    Watch,
    ReadWatch,
    AccessWatch,
    Exited,
    Killed
};

// Why the target stopped. `signal` uses gdb's numbering: 5 (SIGTRAP) for
// breakpoints, steps and watchpoints, 2 (SIGINT) after interrupt().
struct StopEvent {
    StopReason reason = StopReason::Signal;
    u8 signal = 5;
    ThreadRef thread;
    u64 watch_addr = 0; // data address for the three watch reasons
    u8 exit_code = 0;   // Exited: status; Killed: signal
};

enum class ResumeKind : u8 { Continue, Step, Stop };

// One vCont action. `all` applies it to every thread no earlier action
// named (gdb lists the specific threads first).
struct ResumeAction {
    ResumeKind kind = ResumeKind::Continue;
    u8 signal = 0; // 0: none
    bool all = true;
    ThreadRef thread;
};
constexpr usize kMaxResumeActions = 8;

enum class DomainState : u8 { Running, Paused, Stopped, Crashed, Dying };

struct DomainInfo {
    u16 id = 0;
    u16 vcpus = 0;
    DomainState state = DomainState::Running;
    u64 memory_kib = 0;
};

// A named hypervisor address range for qGlasshouse.layout ([start, end)).
struct LayoutRegion {
    const char* name = "";
    u64 start = 0;
    u64 end = 0;
};

// qGlasshouse.trace.* (PROTOCOL.md): the recorder's run-time control.
enum class TraceOp : u8 { Start = 1, Stop = 2, Filter = 3 };
struct TraceFilters {
    u64 domain_mask = ~0ull;    // bit d: domain d (bit 63: ids >= 63)
    u64 hypercall_mask = ~0ull; // bit n: hypercall number n
    u32 type_mask = ~0u;        // bit t: record type t
    u32 checkpoint_interval = 65536;
};
struct TraceStatus {
    u32 state = 0; // 0 off, 1 writing the snapshot, 2 recording
    u32 epoch = 0;
    u64 records = 0; // committed to the rings, all CPUs, since boot
    u64 lost = 0;    // dropped, all CPUs, since boot
};

class Target {
  public:
    // --- threads: every vCPU of every domain, enumerated by index so no
    // list has to be built. thread_at() is false past the end.
    virtual bool thread_at(usize, ThreadRef&) { return false; }
    virtual bool thread_alive(ThreadRef) { return false; }

    // --- state of one stopped vCPU
    virtual Error read_registers(ThreadRef, RegisterFile&) { return Error::NotSupported; }
    // Registers marked unavailable in the file must be left unchanged.
    virtual Error write_registers(ThreadRef, const RegisterFile&) { return Error::NotSupported; }
    // Reads up to len bytes at guest-virtual addr; `done` is how many were
    // read before the first unmapped byte. Error::Fault only when done == 0.
    virtual Error read_memory(ThreadRef, u64, u8*, usize, usize& done) {
        done = 0;
        return Error::NotSupported;
    }
    // All or nothing: Error::Fault when any byte is unmapped or read-only
    // to the debugger.
    virtual Error write_memory(ThreadRef, u64, const u8*, usize) { return Error::NotSupported; }

    // --- breakpoints and watchpoints in the address space of `thread`'s
    // domain. `kind` is gdb's: instruction length for breakpoints (1 on
    // x86), byte length for watchpoints.
    virtual Error insert_breakpoint(BreakKind, ThreadRef, u64, u64) { return Error::NotSupported; }
    virtual Error remove_breakpoint(BreakKind, ThreadRef, u64, u64) { return Error::NotSupported; }

    // --- execution (all-stop per domain is the target's policy)
    virtual Error resume(const ResumeAction*, usize) { return Error::NotSupported; }
    // Asynchronous stop request (Ctrl-C); the stop arrives via poll_stop.
    virtual Error interrupt() { return Error::NotSupported; }
    // True once, with the event, when a resumed target has stopped. The
    // reported rip of a software breakpoint is the breakpoint's address.
    virtual bool poll_stop(StopEvent&) { return false; }
    // Why the target is stopped now (the '?' packet, at connection).
    virtual StopEvent halt_reason() { return StopEvent{}; }
    // Remove every breakpoint and let the debugged domain run on.
    virtual Error detach() { return Error::NotSupported; }
    virtual Error kill() { return Error::NotSupported; }

    // --- Glasshouse extensions (qGlasshouse.* packets)
    virtual bool domain_at(usize, DomainInfo&) { return false; }
    virtual Error pause_domain(u16) { return Error::NotSupported; }
    virtual Error unpause_domain(u16) { return Error::NotSupported; }
    // Make `id` the debugged domain: end the hold on the previous one (as
    // detach), stop `id`; Ctrl-C and '?' then mean it.
    virtual Error attach_domain(u16) { return Error::NotSupported; }
    virtual bool layout_at(usize, LayoutRegion&) { return false; }
    virtual Error trace_control(TraceOp, const TraceFilters&) { return Error::NotSupported; }
    virtual bool trace_status(TraceStatus&) { return false; }

    // --- fault injection (qGlasshouse.inject*, PROTOCOL.md). `spec` is
    // the injection's text form (hv/core/inject/spec_text.hpp); the
    // protocol layer passes it through unparsed.
    virtual Error inject_arm(const char*, usize, u32& id) {
        id = 0;
        return Error::NotSupported;
    }
    virtual Error inject_cancel(u32) { return Error::NotSupported; }
    // Writes entry i of the injection list as NUL-terminated text
    // ("ID,STATE,EFFECT,DETAIL:SPEC"); false past the end.
    virtual bool injection_at(usize, char*, usize) { return false; }

  protected:
    // Not deletable through the interface: no heap in the hypervisor.
    ~Target() = default;
};

} // namespace gdb
