// A value or the reason there is none. Host-side errors are sentences for a
// person ("no such domain 5"), so the error is a string.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace glass {

template <class T>
class [[nodiscard]] Outcome {
  public:
    Outcome(T value) : value_(std::move(value)) {}
    static Outcome failure(std::string why) {
        Outcome o;
        o.error_ = std::move(why);
        return o;
    }
    bool ok() const { return value_.has_value(); }
    const std::string& error() const { return error_; }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }

  private:
    Outcome() = default;
    std::optional<T> value_;
    std::string error_;
};

} // namespace glass
