// platform_op (hypercall 7, public/platform.h): the control domain's
// operations on the machine. Only the wall-clock setters are implemented;
// every other command answers -ENOSYS.
#pragma once

#include "hv/lib/types.hpp"

#include <cstddef>

namespace xen {

constexpr u32 XENPF_INTERFACE_VERSION = 0x03000001;

constexpr u32 XENPF_settime32 = 17;
constexpr u32 XENPF_settime64 = 62;

// Every platform_op starts with cmd and interface_version; the union of
// commands follows (128 bytes, of which the setters use the first 24).
struct PlatformOpHeader {
    u32 cmd;               // IN
    u32 interface_version; // IN: XENPF_INTERFACE_VERSION, else -EACCES
};

// XENPF_settime32: the wall-clock time (secs, nsecs) that corresponds to
// Xen system time `system_time` (ns since boot). IN only.
struct PlatformSettime32 {
    u32 secs;
    u32 nsecs;
    u64 system_time;
};
static_assert(sizeof(PlatformSettime32) == 16);

// XENPF_settime64: as settime32 with 64-bit seconds; mbz must be 0.
struct PlatformSettime64 {
    u64 secs;
    u32 nsecs;
    u32 mbz;
    u64 system_time;
};
static_assert(sizeof(PlatformSettime64) == 24);

struct PlatformOp {
    PlatformOpHeader hdr;
    union {
        PlatformSettime32 settime32;
        PlatformSettime64 settime64;
        u8 pad[128];
    } u;
};
static_assert(offsetof(PlatformOp, u) == 8);
static_assert(sizeof(PlatformOp) == 136);

} // namespace xen
