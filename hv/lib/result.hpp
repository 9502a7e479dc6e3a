// [[nodiscard]] result type for anything that can fail. Errors are Xen errno
// values (hv/abi/errno.hpp) so a hypercall handler can return them to the
// guest unchanged. A caller that ignores a result must say why it cannot fail.
#pragma once

#include "hv/abi/errno.hpp"
#include "hv/lib/types.hpp"

#include <utility>

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : value_(std::move(value)), err_(XEN_OK) {}
    Result(XenErrno err) : value_(), err_(err) {}

    bool ok() const { return err_ == XEN_OK; }
    explicit operator bool() const { return ok(); }
    XenErrno error() const { return err_; }
    const T& value() const { return value_; }
    T& value() { return value_; }
    const T& operator*() const { return value_; }
    T& operator*() { return value_; }
    const T* operator->() const { return &value_; }
    T* operator->() { return &value_; }

  private:
    T value_;
    XenErrno err_;
};

// Success or a Xen errno, for operations that produce no value.
class [[nodiscard]] Status {
  public:
    constexpr Status() : err_(XEN_OK) {}
    constexpr Status(XenErrno err) : err_(err) {}

    constexpr bool ok() const { return err_ == XEN_OK; }
    constexpr explicit operator bool() const { return ok(); }
    constexpr XenErrno error() const { return err_; }
    // The value a hypercall returns to the guest: 0 or -errno.
    constexpr i64 as_hypercall_result() const { return -static_cast<i64>(err_); }

  private:
    XenErrno err_;
};

// Propagate a failing Status/Result from the current function.
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        auto try_status_ = (expr);                                                                 \
        if (!try_status_.ok()) return try_status_.error();                                         \
    } while (0)
