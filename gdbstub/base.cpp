// Error texts for 'E.text' replies: short, lowercase, no protocol
// metacharacters ($ # } *), so they need no escaping.
#include "gdbstub/base.hpp"

namespace gdb {

const char* error_text(Error e) {
    switch (e) {
    case Error::Ok:
        return "ok";
    case Error::Malformed:
        return "malformed packet";
    case Error::NotFound:
        return "no such entry";
    case Error::NoThread:
        return "no such thread";
    case Error::Fault:
        return "address not mapped";
    case Error::Busy:
        return "domain busy";
    case Error::NoDomain:
        return "no such domain";
    case Error::Invalid:
        return "invalid argument";
    case Error::NoSpace:
        return "no free slot";
    case Error::NotSupported:
        return "not supported";
    }
    return "error";
}

} // namespace gdb
