// Errors of the trace library: where in the file, and what was expected
// there. Offsets are file offsets; inside a compressed chunk they name the
// chunk's data and the offset within the uncompressed records.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace glass::trace {

struct Error {
    std::uint64_t offset = 0; // byte in the file (or in the input for non-file errors)
    std::string message;      // "expected ..., found ..."

    std::string to_string() const { return "at byte " + std::to_string(offset) + ": " + message; }
};

class [[nodiscard]] Status {
  public:
    Status() = default;
    Status(Error e) : ok_(false), error_(std::move(e)) {}
    static Status fail(std::uint64_t offset, std::string message) {
        return Status(Error{offset, std::move(message)});
    }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

  private:
    bool ok_ = true;
    Error error_;
};

} // namespace glass::trace
