// Fault-injection packets (qGlasshouse.inject:SPEC, .injections,
// .uninject:ID): the spec text goes to the target as is, so the protocol
// layer knows nothing of injection kinds. Formats are in PROTOCOL.md.
#include "gdbstub/commands.hpp"

namespace gdb {

void cmd_inject(Context& ctx, const Args& a) {
    u32 id = 0;
    Error e = ctx.target.inject_arm(a[0].data, a[0].len, id);
    if (e != Error::Ok) return ctx.error(e);
    ctx.reply.put_hex(id);
}

void cmd_inject_cancel(Context& ctx, const Args& a) {
    if (a[0].num > 0xffffffff) return ctx.error(Error::Invalid);
    Error e = ctx.target.inject_cancel(static_cast<u32>(a[0].num));
    if (e != Error::Ok) return ctx.error(e);
    ctx.reply.put("OK");
}

// "COUNT|ENTRY|ENTRY...": the count first, so an empty list is "0" and not
// the empty reply (which means "not supported").
void cmd_injections(Context& ctx, const Args&) {
    char line[256];
    usize n = 0;
    while (ctx.target.injection_at(n, line, sizeof line))
        n++;
    ctx.reply.put_hex(n);
    for (usize i = 0; i < n && ctx.target.injection_at(i, line, sizeof line); ++i) {
        ctx.reply.put('|');
        ctx.reply.put(line);
    }
    if (ctx.reply.overflowed()) ctx.error(Error::NoSpace);
}

} // namespace gdb
