// Encodings of the qGlasshouse.* replies that both ends need: the server's
// handlers write them (cmd_glasshouse.cpp), the host client parses them
// (client/). Kept in one place so the two cannot drift apart.
#pragma once

#include "gdbstub/target.hpp"

namespace gdb {

// Domain states in qGlasshouse.domains (PROTOCOL.md).
inline char domain_state_letter(DomainState s) {
    switch (s) {
    case DomainState::Running:
        return 'r';
    case DomainState::Paused:
        return 'p';
    case DomainState::Stopped:
        return 's';
    case DomainState::Crashed:
        return 'c';
    case DomainState::Dying:
        return 'd';
    }
    return '?';
}

inline bool domain_state_from_letter(char c, DomainState& out) {
    constexpr DomainState kAll[] = {DomainState::Running, DomainState::Paused, DomainState::Stopped,
                                    DomainState::Crashed, DomainState::Dying};
    for (DomainState s : kAll) {
        if (domain_state_letter(s) == c) {
            out = s;
            return true;
        }
    }
    return false;
}

} // namespace gdb
