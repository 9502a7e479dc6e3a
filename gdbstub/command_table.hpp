// Command dispatch: a table pairing a packet prefix, an argument schema and
// a handler (the shape of QEMU's gdbstub tables). The schema is parsed
// before the handler runs, so handlers see typed arguments and every
// malformed argument list gets the same 'E01' reply.
//
// Schema characters:
//   x  hex number (u64, strict: at least one digit, no overflow)
//   t  thread id: "-1" (all), "0" (any) or a hex id
//   h  the rest: hex bytes, decoded in place (even length, hex digits only)
//   b  the rest: binary bytes, '}'-unescaped in place
//   s  the rest, as is
//   ?  everything after this is optional (input may end here)
//   any other character: that literal separator must come next
// After the schema the input must be exhausted.
#pragma once

#include "gdbstub/context.hpp"
#include "gdbstub/hex.hpp"

namespace gdb {

struct Arg {
    u64 num = 0;
    ThreadSel thread;
    char* data = nullptr; // h, b, s: points into the packet buffer
    usize len = 0;
};

constexpr usize kMaxArgs = 4;

struct Args {
    Arg v[kMaxArgs];
    usize count = 0;
    const Arg& operator[](usize i) const { return v[i]; }
};

using Handler = void (*)(Context&, const Args&);

enum class Match : u8 { Exact, Prefix };

struct Command {
    const char* name;
    Match match;
    const char* schema;
    Handler handler;
};

// Parses body (after the command name) against schema.
ParseError parse_args(const char* schema, char* body, usize len, Args& out);

// Finds the command for a packet body, parses its arguments and runs it.
// Unknown packets leave the reply empty (gdb's "not supported").
void dispatch(Context& ctx, char* body, usize len);

} // namespace gdb
