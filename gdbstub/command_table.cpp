// Schema parsing and the command table (see command_table.hpp).
#include "gdbstub/command_table.hpp"

#include "gdbstub/commands.hpp"
#include "gdbstub/escape.hpp"

namespace gdb {

namespace {

// Longer names before their prefixes ("vCont?" before "vCont;").
constexpr Command kCommands[] = {
    {"?", Match::Exact, "", cmd_halt_reason},
    {"g", Match::Exact, "", cmd_read_registers},
    {"G", Match::Prefix, "h", cmd_write_registers},
    {"p", Match::Prefix, "x", cmd_read_register},
    {"P", Match::Prefix, "x=h", cmd_write_register},
    {"m", Match::Prefix, "x,x", cmd_read_memory},
    {"M", Match::Prefix, "x,x:h", cmd_write_memory},
    {"X", Match::Prefix, "x,x:b", cmd_write_memory},
    {"c", Match::Prefix, "?x", cmd_continue},
    {"s", Match::Prefix, "?x", cmd_step},
    {"C", Match::Prefix, "x?;x", cmd_continue_signal},
    {"S", Match::Prefix, "x?;x", cmd_step_signal},
    {"vCont?", Match::Exact, "", cmd_vcont_query},
    {"vCont;", Match::Prefix, "s", cmd_vcont},
    {"Z", Match::Prefix, "x,x,x", cmd_insert_break},
    {"z", Match::Prefix, "x,x,x", cmd_remove_break},
    {"Hg", Match::Prefix, "t", cmd_set_g_thread},
    {"Hc", Match::Prefix, "t", cmd_set_c_thread},
    {"T", Match::Prefix, "t", cmd_thread_alive},
    {"qSupported", Match::Prefix, "?:s", cmd_supported},
    {"QStartNoAckMode", Match::Exact, "", cmd_start_no_ack},
    {"qXfer:features:read:", Match::Prefix, "s", cmd_xfer_features},
    {"qXfer:threads:read:", Match::Prefix, "s", cmd_xfer_threads},
    {"qfThreadInfo", Match::Exact, "", cmd_thread_info_first},
    {"qsThreadInfo", Match::Exact, "", cmd_thread_info_next},
    {"qC", Match::Exact, "", cmd_current_thread},
    {"qAttached", Match::Prefix, "?:x", cmd_attached},
    {"k", Match::Exact, "", cmd_kill},
    {"vKill;", Match::Prefix, "x", cmd_vkill},
    {"D", Match::Prefix, "?;x", cmd_detach},
    {"qGlasshouse.version", Match::Exact, "", cmd_gh_version},
    {"qGlasshouse.domains", Match::Exact, "", cmd_gh_domains},
    {"qGlasshouse.pause:", Match::Prefix, "x", cmd_gh_pause},
    {"qGlasshouse.unpause:", Match::Prefix, "x", cmd_gh_unpause},
    {"qGlasshouse.layout", Match::Exact, "", cmd_gh_layout},
    {"qGlasshouse.attach:", Match::Prefix, "x", cmd_gh_attach},
    {"qGlasshouse.trace.start:", Match::Prefix, "x,x,x,x", cmd_gh_trace_start},
    {"qGlasshouse.trace.filter:", Match::Prefix, "x,x,x,x", cmd_gh_trace_filter},
    {"qGlasshouse.trace.stop", Match::Exact, "", cmd_gh_trace_stop},
    {"qGlasshouse.trace.status", Match::Exact, "", cmd_gh_trace_status},
    {"qGlasshouse.injections", Match::Exact, "", cmd_injections},
    {"qGlasshouse.inject:", Match::Prefix, "s", cmd_inject},
    {"qGlasshouse.uninject:", Match::Prefix, "x", cmd_inject_cancel},
};

// Length of name if body starts with it (and equals it for Exact), else 0.
usize match_len(const Command& c, const char* body, usize len) {
    usize n = 0;
    while (c.name[n]) {
        if (n == len || body[n] != c.name[n]) return 0;
        ++n;
    }
    if (c.match == Match::Exact && n != len) return 0;
    return n;
}

ParseError parse_thread(Cursor& in, ThreadSel& out) {
    if (in.accept("-1")) {
        out.kind = ThreadSel::All;
        return ParseError::Ok;
    }
    u64 v = 0;
    ParseError e = in.hex_u64(v);
    if (e != ParseError::Ok) return e;
    out.kind = v == 0 ? ThreadSel::Any : ThreadSel::One;
    out.tid = v;
    return ParseError::Ok;
}

} // namespace

ParseError parse_args(const char* schema, char* body, usize len, Args& out) {
    Cursor in(body, len);
    out.count = 0;
    for (const char* s = schema; *s; ++s) {
        if (*s == '?') {
            if (in.at_end()) return ParseError::Ok;
            continue;
        }
        bool is_arg = *s == 'x' || *s == 't' || *s == 'h' || *s == 'b' || *s == 's';
        if (!is_arg) {
            if (!in.accept(*s)) return ParseError::MissingSeparator;
            continue;
        }
        if (out.count == kMaxArgs) return ParseError::TrailingData; // schema bug
        Arg& a = out.v[out.count++];
        ParseError e = ParseError::Ok;
        char* rest = body + (in.pos() - body);
        usize rest_len = in.remaining();
        switch (*s) {
        case 'x':
            e = in.hex_u64(a.num);
            break;
        case 't':
            e = parse_thread(in, a.thread);
            break;
        case 'h':
            e = hex_decode(rest, rest_len, reinterpret_cast<u8*>(rest), a.len);
            a.data = rest;
            in.skip(rest_len);
            break;
        case 'b':
            if (!unescape_in_place(reinterpret_cast<u8*>(rest), rest_len, a.len))
                e = ParseError::BadHex;
            a.data = rest;
            in.skip(rest_len);
            break;
        default: // 's'
            a.data = rest;
            a.len = rest_len;
            in.skip(rest_len);
            break;
        }
        if (e != ParseError::Ok) return e;
    }
    return in.at_end() ? ParseError::Ok : ParseError::TrailingData;
}

void dispatch(Context& ctx, char* body, usize len) {
    for (const Command& c : kCommands) {
        usize n = match_len(c, body, len);
        if (n == 0) continue;
        Args args;
        if (parse_args(c.schema, body + n, len - n, args) != ParseError::Ok) {
            ctx.error(Error::Malformed);
            return;
        }
        c.handler(ctx, args);
        return;
    }
    // Unknown: the empty reply.
}

} // namespace gdb
