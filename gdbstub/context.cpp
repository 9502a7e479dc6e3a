// Error replies, thread selection and stop replies shared by the commands.
#include "gdbstub/context.hpp"

namespace gdb {

void Context::error(Error e) {
    reply.clear();
    if (e == Error::NotSupported) return;
    if (peer.error_message) {
        reply.put("E.");
        reply.put(error_text(e));
        return;
    }
    reply.put('E');
    u8 code = static_cast<u8>(e);
    reply.put_hex_bytes(&code, 1);
}

bool Context::pick_thread(const ThreadSel& sel, ThreadRef& out) {
    if (sel.kind == ThreadSel::One) {
        if (!thread_ref(sel.tid, out)) return false;
        return target.thread_alive(out);
    }
    out = last_stop.thread;
    if (target.thread_alive(out)) return true;
    return target.thread_at(0, out); // nothing stopped yet: the first vCPU
}

void write_stop_reply(const Context& ctx, const StopEvent& ev, Writer& w) {
    if (ev.reason == StopReason::Exited || ev.reason == StopReason::Killed) {
        w.put(ev.reason == StopReason::Exited ? 'W' : 'X');
        w.put_hex_bytes(&ev.exit_code, 1);
        return;
    }
    w.put('T');
    w.put_hex_bytes(&ev.signal, 1);
    w.put("thread:");
    w.put_hex(thread_id(ev.thread));
    w.put(';');
    switch (ev.reason) {
    case StopReason::SwBreak:
        if (ctx.peer.swbreak) w.put("swbreak:;");
        break;
    case StopReason::HwBreak:
        if (ctx.peer.hwbreak) w.put("hwbreak:;");
        break;
    case StopReason::Watch:
    case StopReason::ReadWatch:
    case StopReason::AccessWatch:
        w.put(ev.reason == StopReason::Watch       ? "watch:"
              : ev.reason == StopReason::ReadWatch ? "rwatch:"
                                                   : "awatch:");
        w.put_hex(ev.watch_addr);
        w.put(';');
        break;
    default:
        break;
    }
}

} // namespace gdb
