// The Event channels panel's model: a domain's ports with their binding in
// words, and which pending bits rose since the last read (so the panel can
// flash them: a pending bit usually clears again within microseconds, a
// rising count shows traffic even between refreshes).
#pragma once

#include "introspect/lib/evtchn.hpp"

#include <map>
#include <string>
#include <vector>

namespace glass::gui {

std::string binding_text(const PortSnapshot& p); // "d2 port 5", "VIRQ 0 (timer)", ...

struct PortRow {
    PortSnapshot port;
    std::string binding;
    double flashed_at = -1; // when pending last went 0 -> 1, seconds
    unsigned rises = 0;     // how often we saw it rise
};

class EvtchnView {
  public:
    // A new read for domain `domid` at time `now`; another domain resets.
    void update(const EvtchnSnapshot& s, double now);
    const std::vector<PortRow>& rows() const { return rows_; }
    const std::vector<UpcallSnapshot>& vcpus() const { return vcpus_; }
    u16 domid() const { return domid_; }

  private:
    u16 domid_ = 0xffff;
    std::vector<PortRow> rows_;
    std::vector<UpcallSnapshot> vcpus_;
    std::map<u32, PortRow> prev_;
};

} // namespace glass::gui
