// Results of the host client: a value or a precise, typed error. Tools show
// describe(error) to a person; code that reacts to failures switches on
// ClientError::kind (and, for error replies, on the gdb::Error code).
#pragma once

#include "gdbstub/base.hpp"

#include <optional>
#include <string>
#include <utility>

namespace gdb::client {

enum class ErrorKind : u8 {
    CannotConnect, // no TCP connection (nothing listening, bad address)
    Timeout,       // connected, but no complete reply in time
    Disconnected,  // the peer closed the connection
    ErrorReply,    // the stub answered 'Enn' / 'E.text': see code and message
    NotSupported,  // the stub answered the empty reply: it does not know the packet
    BadReply,      // a reply that does not parse as the packet's format
    BadArgument,   // refused before sending (e.g. a packet that cannot be framed)
};

struct ClientError {
    ErrorKind kind = ErrorKind::BadReply;
    // ErrorReply: the stub's number (gdb::Error values, PROTOCOL.md "Errors"),
    // 0 for 'E.text' replies whose text says what went wrong.
    u8 code = 0;
    std::string message; // what failed, in words
    // The packet being answered, for messages ("qGlasshouse.pause:5").
    std::string request;
};

// "qGlasshouse.pause:5: error E13 (no such domain)".
std::string describe(const ClientError& e);
const char* kind_name(ErrorKind k);

struct Done {};

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : value_(std::move(value)) {}
    Result(ClientError e) : error_(std::move(e)) {}
    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    const ClientError& error() const { return error_; }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }

  private:
    std::optional<T> value_;
    ClientError error_;
};

using Status = Result<Done>;

} // namespace gdb::client
