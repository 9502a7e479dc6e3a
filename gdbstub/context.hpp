// What a command handler sees: the target, the reply being built, scratch
// space, and the session state commands change (selected threads,
// negotiated features). Kept apart from Session so handlers do not depend
// on framing.
#pragma once

#include "gdbstub/target.hpp"
#include "gdbstub/writer.hpp"

namespace gdb {

// Features gdb announced in its qSupported packet.
struct PeerFeatures {
    bool swbreak = false;
    bool hwbreak = false;
    bool error_message = false; // gdb accepts 'E.text' error replies
};

struct Context {
    Context(Target& t, Writer& w, u8* scratch_buf, usize scratch_len)
        : target(t), reply(w), scratch(scratch_buf), scratch_size(scratch_len) {}

    Target& target;
    Writer& reply;
    u8* scratch;
    usize scratch_size;

    PeerFeatures peer;
    bool start_no_ack = false; // QStartNoAckMode accepted: stop acking after this reply
    ThreadSel g_thread;        // Hg: registers and memory
    ThreadSel c_thread;        // Hc: step/continue (legacy packets)
    usize thread_cursor = 0;   // qfThreadInfo/qsThreadInfo position
    StopEvent last_stop;       // the most recent stop (for '?', defaults)

    // Set by handlers instead of writing a reply:
    bool resumed = false;  // the target runs; the reply is the next stop
    bool no_reply = false; // 'k' has no reply
    bool detached = false; // D succeeded: the connection is over

    // Writes the error reply for e: empty for NotSupported, 'E.text' when
    // gdb accepts it, else 'Enn'.
    void error(Error e);
    // Resolves a ThreadSel for register/memory access: Any and All mean the
    // thread of the last stop. False when the thread does not exist.
    bool pick_thread(const ThreadSel& sel, ThreadRef& out);
};

// Appends the stop reply for ev (T/W/X packet) to w.
void write_stop_reply(const Context& ctx, const StopEvent& ev, Writer& w);

} // namespace gdb
