// Register commands: '?', g, G, p, P. Registers go through a whole
// RegisterFile even for p/P so a Target implements one read and one write.
#include "gdbstub/commands.hpp"
#include "hv/lib/string.hpp"

namespace gdb {

namespace {

void put_register(Writer& w, const RegisterFile& rf, unsigned reg) {
    usize n = reg_size(reg);
    if (!rf.available(reg)) {
        for (usize i = 0; i < 2 * n; ++i)
            w.put('x');
        return;
    }
    w.put_hex_bytes(reg_bytes(rf, reg), n);
}

// Reads the Hg thread's registers or writes the error reply.
bool read_selected(Context& ctx, ThreadRef& t, RegisterFile& rf) {
    if (!ctx.pick_thread(ctx.g_thread, t)) {
        ctx.error(Error::NoThread);
        return false;
    }
    Error e = ctx.target.read_registers(t, rf);
    if (e != Error::Ok) {
        ctx.error(e);
        return false;
    }
    return true;
}

void write_back(Context& ctx, ThreadRef t, const RegisterFile& rf) {
    Error e = ctx.target.write_registers(t, rf);
    if (e != Error::Ok)
        ctx.error(e);
    else
        ctx.reply.put("OK");
}

} // namespace

void cmd_halt_reason(Context& ctx, const Args&) {
    ctx.last_stop = ctx.target.halt_reason();
    write_stop_reply(ctx, ctx.last_stop, ctx.reply);
}

void cmd_read_registers(Context& ctx, const Args&) {
    ThreadRef t;
    RegisterFile rf;
    if (!read_selected(ctx, t, rf)) return;
    for (unsigned r = 0; r < kRegCount; ++r)
        put_register(ctx.reply, rf, r);
}

void cmd_write_registers(Context& ctx, const Args& a) {
    if (a[0].len != register_file_hex_size() / 2) return ctx.error(Error::Malformed);
    ThreadRef t;
    RegisterFile rf;
    if (!read_selected(ctx, t, rf)) return;
    const u8* p = reinterpret_cast<const u8*>(a[0].data);
    for (unsigned r = 0; r < kRegCount; ++r) {
        usize n = reg_size(r);
        if (rf.available(r)) memcpy(reg_bytes(rf, r), p, n);
        p += n;
    }
    write_back(ctx, t, rf);
}

void cmd_read_register(Context& ctx, const Args& a) {
    if (a[0].num >= kRegCount) return ctx.error(Error::Invalid);
    ThreadRef t;
    RegisterFile rf;
    if (!read_selected(ctx, t, rf)) return;
    put_register(ctx.reply, rf, static_cast<unsigned>(a[0].num));
}

void cmd_write_register(Context& ctx, const Args& a) {
    if (a[0].num >= kRegCount) return ctx.error(Error::Invalid);
    unsigned r = static_cast<unsigned>(a[0].num);
    if (a[1].len != reg_size(r)) return ctx.error(Error::Malformed);
    ThreadRef t;
    RegisterFile rf;
    if (!read_selected(ctx, t, rf)) return;
    if (!rf.available(r)) return ctx.error(Error::Invalid);
    memcpy(reg_bytes(rf, r), a[1].data, reg_size(r));
    write_back(ctx, t, rf);
}

} // namespace gdb
