// Memory commands: m (hex read), M (hex write), X (binary write). Addresses
// are guest-virtual in the Hg thread's address space.
#include "gdbstub/commands.hpp"

namespace gdb {

void cmd_read_memory(Context& ctx, const Args& a) {
    ThreadRef t;
    if (!ctx.pick_thread(ctx.g_thread, t)) return ctx.error(Error::NoThread);
    // Never more than the reply (two hex digits a byte) or scratch holds;
    // a short read is allowed and gdb asks again for the rest.
    u64 len = a[1].num;
    usize max = ctx.reply.room() / 2;
    if (max > ctx.scratch_size) max = ctx.scratch_size;
    if (len > max) len = max;
    usize done = 0;
    Error e = ctx.target.read_memory(t, a[0].num, ctx.scratch, static_cast<usize>(len), done);
    if (done == 0 && len != 0) return ctx.error(e == Error::Ok ? Error::Fault : e);
    ctx.reply.put_hex_bytes(ctx.scratch, done);
}

void cmd_write_memory(Context& ctx, const Args& a) {
    if (a[2].len != a[1].num) return ctx.error(Error::Malformed);
    ThreadRef t;
    if (!ctx.pick_thread(ctx.g_thread, t)) return ctx.error(Error::NoThread);
    // gdb probes X support with a zero-length write: answer OK without
    // bothering the target.
    if (a[2].len != 0) {
        Error e =
            ctx.target.write_memory(t, a[0].num, reinterpret_cast<const u8*>(a[2].data), a[2].len);
        if (e != Error::Ok) return ctx.error(e);
    }
    ctx.reply.put("OK");
}

} // namespace gdb
