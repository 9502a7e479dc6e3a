// Glasshouse extension packets (qGlasshouse.*), for what gdb's own
// packets cannot express: the domain list, pausing a whole domain, the
// hypervisor's address-space layout. Formats are in PROTOCOL.md.
#include "gdbstub/commands.hpp"
#include "gdbstub/glasshouse_format.hpp"

namespace gdb {

namespace {

void reply_status(Context& ctx, Error e) {
    if (e != Error::Ok) return ctx.error(e);
    ctx.reply.put("OK");
}

bool domain_arg(Context& ctx, const Args& a, u16& out) {
    if (a[0].num > 0xffff) {
        ctx.error(Error::Invalid);
        return false;
    }
    out = static_cast<u16>(a[0].num);
    return true;
}

} // namespace

void cmd_gh_version(Context& ctx, const Args&) {
    ctx.reply.put("glasshouse-gdbstub:1");
}

void cmd_gh_domains(Context& ctx, const Args&) {
    DomainInfo d;
    for (usize i = 0; ctx.target.domain_at(i, d); ++i) {
        if (i) ctx.reply.put(';');
        ctx.reply.put_hex(d.id);
        ctx.reply.put(',');
        ctx.reply.put_hex(d.vcpus);
        ctx.reply.put(',');
        ctx.reply.put(domain_state_letter(d.state));
        ctx.reply.put(',');
        ctx.reply.put_hex(d.memory_kib);
    }
    // Too many domains for one packet: say so rather than send a prefix.
    if (ctx.reply.overflowed()) ctx.error(Error::NoSpace);
}

void cmd_gh_pause(Context& ctx, const Args& a) {
    u16 dom = 0;
    if (domain_arg(ctx, a, dom)) reply_status(ctx, ctx.target.pause_domain(dom));
}

void cmd_gh_unpause(Context& ctx, const Args& a) {
    u16 dom = 0;
    if (domain_arg(ctx, a, dom)) reply_status(ctx, ctx.target.unpause_domain(dom));
}

void cmd_gh_layout(Context& ctx, const Args&) {
    LayoutRegion r;
    for (usize i = 0; ctx.target.layout_at(i, r); ++i) {
        if (i) ctx.reply.put(';');
        ctx.reply.put(r.name);
        ctx.reply.put(':');
        ctx.reply.put_hex(r.start);
        ctx.reply.put(',');
        ctx.reply.put_hex(r.end);
    }
    if (ctx.reply.overflowed()) ctx.error(Error::NoSpace);
}

void cmd_gh_attach(Context& ctx, const Args& a) {
    u16 dom = 0;
    if (domain_arg(ctx, a, dom)) reply_status(ctx, ctx.target.attach_domain(dom));
}

} // namespace gdb
