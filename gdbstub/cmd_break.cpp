// Breakpoint and watchpoint commands: Z/z type,addr,kind. They apply to the
// address space of the Hg thread's domain; unknown types get the empty
// reply so gdb falls back (to memory breakpoints for type 0).
#include "gdbstub/commands.hpp"

namespace gdb {

namespace {

void change(Context& ctx, const Args& a, bool insert) {
    if (a[0].num > static_cast<u64>(BreakKind::WatchAccess)) return; // empty: unsupported type
    ThreadRef t;
    if (!ctx.pick_thread(ctx.g_thread, t)) return ctx.error(Error::NoThread);
    BreakKind kind = static_cast<BreakKind>(a[0].num);
    Error e = insert ? ctx.target.insert_breakpoint(kind, t, a[1].num, a[2].num)
                     : ctx.target.remove_breakpoint(kind, t, a[1].num, a[2].num);
    if (e != Error::Ok) return ctx.error(e);
    ctx.reply.put("OK");
}

} // namespace

void cmd_insert_break(Context& ctx, const Args& a) {
    change(ctx, a, true);
}

void cmd_remove_break(Context& ctx, const Args& a) {
    change(ctx, a, false);
}

} // namespace gdb
