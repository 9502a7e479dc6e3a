// qGlasshouse.trace.* packets: switch the hypervisor's hypercall recorder
// on and off and set its filters (PROTOCOL.md, "Trace control"). The
// records themselves never travel over this channel: the host drains the
// per-CPU rings from the shared RAM file (traces/FORMAT.md).
#include "gdbstub/commands.hpp"

namespace gdb {

namespace {

bool filters_arg(Context& ctx, const Args& a, TraceFilters& f) {
    if (a[2].num > 0xffffffffu || a[3].num > 0xffffffffu) {
        ctx.error(Error::Invalid);
        return false;
    }
    f.domain_mask = a[0].num;
    f.hypercall_mask = a[1].num;
    f.type_mask = static_cast<u32>(a[2].num);
    f.checkpoint_interval = static_cast<u32>(a[3].num);
    return true;
}

void trace_op(Context& ctx, TraceOp op, const TraceFilters& f) {
    Error e = ctx.target.trace_control(op, f);
    if (e != Error::Ok) return ctx.error(e);
    ctx.reply.put("OK");
}

} // namespace

void cmd_gh_trace_start(Context& ctx, const Args& a) {
    TraceFilters f;
    if (filters_arg(ctx, a, f)) trace_op(ctx, TraceOp::Start, f);
}

void cmd_gh_trace_filter(Context& ctx, const Args& a) {
    TraceFilters f;
    if (filters_arg(ctx, a, f)) trace_op(ctx, TraceOp::Filter, f);
}

void cmd_gh_trace_stop(Context& ctx, const Args&) {
    trace_op(ctx, TraceOp::Stop, TraceFilters{});
}

// "STATE,EPOCH,RECORDS,LOST" in hex.
void cmd_gh_trace_status(Context& ctx, const Args&) {
    TraceStatus s;
    if (!ctx.target.trace_status(s)) return ctx.error(Error::NotSupported);
    ctx.reply.put_hex(s.state);
    ctx.reply.put(',');
    ctx.reply.put_hex(s.epoch);
    ctx.reply.put(',');
    ctx.reply.put_hex(s.records);
    ctx.reply.put(',');
    ctx.reply.put_hex(s.lost);
}

} // namespace gdb
