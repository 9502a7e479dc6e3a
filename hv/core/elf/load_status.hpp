// Outcome of validating or loading a guest image. A Xen errno alone is not
// enough here: when the hypervisor refuses a boot module it prints the exact
// reason on the serial console, so every refusal carries a formatted message.
#pragma once

#include "hv/abi/errno.hpp"
#include "hv/lib/types.hpp"

class [[nodiscard]] LoadStatus {
  public:
    static constexpr usize kReasonCap = 160;

    constexpr LoadStatus() = default;
    // A refusal: printf-style reason (hv/lib/format.hpp), truncated to fit.
    static LoadStatus fail(XenErrno err, const char* fmt, ...)
        __attribute__((format(printf, 2, 3)));

    constexpr bool ok() const { return err_ == XEN_OK; }
    constexpr explicit operator bool() const { return ok(); }
    constexpr XenErrno error() const { return err_; }
    // Never null; empty on success.
    const char* reason() const { return reason_; }

  private:
    XenErrno err_ = XEN_OK;
    char reason_[kReasonCap] = {};
};

// Propagate a failing LoadStatus (reason included) from the current function.
#define TRY_LOAD(expr)                                                                             \
    do {                                                                                           \
        LoadStatus try_load_ = (expr);                                                             \
        if (!try_load_.ok()) return try_load_;                                                     \
    } while (0)
