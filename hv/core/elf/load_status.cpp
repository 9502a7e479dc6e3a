#include "hv/core/elf/load_status.hpp"

#include "hv/lib/format.hpp"

#include <cstdarg>

LoadStatus LoadStatus::fail(XenErrno err, const char* fmt, ...) {
    LoadStatus s;
    // A refusal must never read as success, whatever the caller passed.
    s.err_ = err == XEN_OK ? XEN_EINVAL : err;
    va_list ap;
    va_start(ap, fmt);
    format_v(s.reason_, sizeof(s.reason_), fmt, ap);
    va_end(ap);
    return s;
}
