// Execution commands: c s C S (legacy, one action), vCont (per-thread
// actions), k, vKill, D. On success nothing is replied now: the reply is
// the stop reply Session::poll() sends when the target stops.
#include "gdbstub/commands.hpp"

namespace gdb {

namespace {

void start(Context& ctx, const ResumeAction* actions, usize n) {
    Error e = ctx.target.resume(actions, n);
    if (e != Error::Ok) return ctx.error(e);
    ctx.resumed = true;
}

// Legacy c/s/C/S: optional new rip for the thread that resumes, then one
// action: continue everything, or step the Hc thread.
void legacy(Context& ctx, ResumeKind kind, u64 signal, bool has_addr, u64 addr) {
    if (signal > 0xff) return ctx.error(Error::Invalid);
    ThreadRef t;
    if (!ctx.pick_thread(ctx.c_thread, t)) return ctx.error(Error::NoThread);
    if (has_addr) {
        RegisterFile rf;
        Error e = ctx.target.read_registers(t, rf);
        if (e == Error::Ok) {
            rf.rip = addr;
            e = ctx.target.write_registers(t, rf);
        }
        if (e != Error::Ok) return ctx.error(e);
    }
    ResumeAction act;
    act.kind = kind;
    act.signal = static_cast<u8>(signal);
    act.all = kind == ResumeKind::Continue;
    act.thread = t;
    start(ctx, &act, 1);
}

// One vCont action: c, s, t, Cxx or Sxx, optionally ":tid".
bool parse_action(Cursor& in, ResumeAction& act) {
    char k = in.peek();
    in.skip(1);
    u64 sig = 0;
    switch (k) {
    case 'c':
        act.kind = ResumeKind::Continue;
        break;
    case 's':
        act.kind = ResumeKind::Step;
        break;
    case 't':
        act.kind = ResumeKind::Stop;
        break;
    case 'C':
    case 'S':
        act.kind = k == 'C' ? ResumeKind::Continue : ResumeKind::Step;
        if (in.hex_u64(sig) != ParseError::Ok || sig > 0xff) return false;
        break;
    default:
        return false;
    }
    act.signal = static_cast<u8>(sig);
    act.all = true;
    if (!in.accept(':')) return true;
    if (in.accept("-1")) return true;
    u64 tid = 0;
    if (in.hex_u64(tid) != ParseError::Ok) return false;
    if (tid == 0) return true; // "any thread" applies to all
    act.all = false;
    return thread_ref(tid, act.thread);
}

} // namespace

void cmd_continue(Context& ctx, const Args& a) {
    legacy(ctx, ResumeKind::Continue, 0, a.count > 0, a.count ? a[0].num : 0);
}

void cmd_step(Context& ctx, const Args& a) {
    legacy(ctx, ResumeKind::Step, 0, a.count > 0, a.count ? a[0].num : 0);
}

void cmd_continue_signal(Context& ctx, const Args& a) {
    legacy(ctx, ResumeKind::Continue, a[0].num, a.count > 1, a.count > 1 ? a[1].num : 0);
}

void cmd_step_signal(Context& ctx, const Args& a) {
    legacy(ctx, ResumeKind::Step, a[0].num, a.count > 1, a.count > 1 ? a[1].num : 0);
}

void cmd_vcont_query(Context& ctx, const Args&) {
    ctx.reply.put("vCont;c;C;s;S;t");
}

void cmd_vcont(Context& ctx, const Args& a) {
    ResumeAction actions[kMaxResumeActions];
    usize n = 0;
    Cursor in(a[0].data, a[0].len);
    do {
        if (n == kMaxResumeActions || !parse_action(in, actions[n])) {
            return ctx.error(Error::Malformed);
        }
        if (!actions[n].all && !ctx.target.thread_alive(actions[n].thread)) {
            return ctx.error(Error::NoThread);
        }
        ++n;
    } while (in.accept(';'));
    if (!in.at_end()) return ctx.error(Error::Malformed);
    start(ctx, actions, n);
}

void cmd_kill(Context& ctx, const Args&) {
    // 'k' has no reply (the target may be gone); errors cannot be reported.
    (void)ctx.target.kill();
    ctx.no_reply = true;
}

void cmd_vkill(Context& ctx, const Args&) {
    Error e = ctx.target.kill();
    if (e != Error::Ok) return ctx.error(e);
    ctx.reply.put("OK");
}

void cmd_detach(Context& ctx, const Args&) {
    Error e = ctx.target.detach();
    if (e != Error::Ok && e != Error::NotSupported) return ctx.error(e);
    ctx.detached = true;
    ctx.reply.put("OK");
}

} // namespace gdb
