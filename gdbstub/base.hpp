// Shared vocabulary of the GDB remote-protocol layer: byte views and the
// error codes a Target returns. Only freestanding headers: this folder is
// compiled into the hypervisor as well as into host tools and tests.
#pragma once

#include "hv/lib/types.hpp"

namespace gdb {

// A read-only view of bytes; gdbstub never owns memory it did not get as a
// fixed-size member, so views are how packets and replies travel.
struct Bytes {
    const u8* data = nullptr;
    usize size = 0;
};

// What a Target (or the protocol layer itself) reports when an operation
// fails. Each maps to one 'Enn' reply (see PROTOCOL.md, "Errors"); the
// numbers follow errno where one fits so a gdb log stays readable.
enum class Error : u8 {
    Ok = 0,
    Malformed = 0x01,    // packet arguments did not parse
    NotFound = 0x02,     // no such entry: an injection id (ENOENT)
    NoThread = 0x03,     // thread id names no vCPU (ESRCH)
    Fault = 0x0e,        // guest-virtual address not mapped (EFAULT)
    Busy = 0x10,         // domain in a state that forbids it (EBUSY)
    NoDomain = 0x13,     // domain id names no domain (ENODEV)
    Invalid = 0x16,      // well-formed but meaningless value (EINVAL)
    NoSpace = 0x1c,      // breakpoint/watchpoint slots exhausted (ENOSPC)
    NotSupported = 0xff, // target cannot do it: answered with the empty reply
};

// A short human-readable reason, used for 'E.text' replies.
const char* error_text(Error e);

} // namespace gdb
