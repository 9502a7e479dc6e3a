// Thread commands: H, T, qC, qfThreadInfo/qsThreadInfo and
// qXfer:threads:read. Threads are every vCPU the target enumerates, named
// domN/vcpuM so gdb's `info threads` shows where each one lives.
#include "gdbstub/commands.hpp"

namespace gdb {

namespace {

void set_thread(Context& ctx, ThreadSel& slot, const ThreadSel& sel) {
    ThreadRef t;
    if (sel.kind == ThreadSel::One && (!thread_ref(sel.tid, t) || !ctx.target.thread_alive(t))) {
        return ctx.error(Error::NoThread);
    }
    slot = sel;
    ctx.reply.put("OK");
}

// Thread ids from the cursor on, comma-separated, as many as fit.
void thread_list_chunk(Context& ctx) {
    constexpr usize kWorstEntry = 9; // 8 hex digits and a comma
    ThreadRef t;
    if (!ctx.target.thread_at(ctx.thread_cursor, t)) {
        ctx.reply.put('l');
        return;
    }
    ctx.reply.put('m');
    bool first = true;
    while (ctx.reply.room() > kWorstEntry && ctx.target.thread_at(ctx.thread_cursor, t)) {
        if (!first) ctx.reply.put(',');
        ctx.reply.put_hex(thread_id(t));
        first = false;
        ++ctx.thread_cursor;
    }
}

} // namespace

bool parse_xfer_window(const char* p, usize len, u64& offset, u64& length) {
    Cursor in(p, len);
    return in.hex_u64(offset) == ParseError::Ok && in.accept(',') &&
           in.hex_u64(length) == ParseError::Ok && in.at_end();
}

void cmd_set_g_thread(Context& ctx, const Args& a) {
    set_thread(ctx, ctx.g_thread, a[0].thread);
}

void cmd_set_c_thread(Context& ctx, const Args& a) {
    set_thread(ctx, ctx.c_thread, a[0].thread);
}

void cmd_thread_alive(Context& ctx, const Args& a) {
    ThreadRef t;
    if (a[0].thread.kind != ThreadSel::One || !thread_ref(a[0].thread.tid, t) ||
        !ctx.target.thread_alive(t)) {
        return ctx.error(Error::NoThread);
    }
    ctx.reply.put("OK");
}

void cmd_current_thread(Context& ctx, const Args&) {
    ThreadRef t;
    if (!ctx.pick_thread(ctx.g_thread, t)) return ctx.error(Error::NoThread);
    ctx.reply.put("QC");
    ctx.reply.put_hex(thread_id(t));
}

void cmd_thread_info_first(Context& ctx, const Args&) {
    ctx.thread_cursor = 0;
    thread_list_chunk(ctx);
}

void cmd_thread_info_next(Context& ctx, const Args&) {
    thread_list_chunk(ctx);
}

void cmd_xfer_threads(Context& ctx, const Args& a) {
    // Annex must be empty: "qXfer:threads:read::OFFSET,LENGTH".
    u64 offset = 0, length = 0;
    if (a[0].len == 0 || a[0].data[0] != ':') return ctx.reply.put("E00");
    if (!parse_xfer_window(a[0].data + 1, a[0].len - 1, offset, length)) {
        return ctx.error(Error::Malformed);
    }
    ctx.reply.put('l'); // patched to 'm' below when the window cuts the document
    DocWindow doc(ctx.reply, offset, length);
    doc.put("<?xml version=\"1.0\"?>\n<threads>\n");
    ThreadRef t;
    for (usize i = 0; ctx.target.thread_at(i, t); ++i) {
        doc.put("<thread id=\"");
        doc.put_hex(thread_id(t));
        doc.put("\" name=\"dom");
        doc.put_dec(t.domain);
        doc.put("/vcpu");
        doc.put_dec(t.vcpu);
        doc.put("\"/>\n");
        if (!doc.complete()) break; // the rest would be dropped anyway
    }
    doc.put("</threads>\n");
    if (!doc.complete()) ctx.reply.patch(0, 'm');
}

} // namespace gdb
