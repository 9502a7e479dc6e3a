#include "gui/model/evtchn_view.hpp"

namespace glass::gui {

namespace {
const char* virq_name(u32 v) {
    switch (v) {
    case 0:
        return "timer";
    case 1:
        return "debug";
    case 2:
        return "console";
    case 3:
        return "dom_exc";
    default:
        return nullptr;
    }
}
} // namespace

std::string binding_text(const PortSnapshot& p) {
    if (p.state == "Interdomain")
        return "d" + std::to_string(p.remote_dom) + " port " + std::to_string(p.remote_port);
    if (p.state == "Unbound") return "waiting for d" + std::to_string(p.remote_dom);
    if (p.state == "Virq") {
        const char* n = virq_name(p.virq);
        return "VIRQ " + std::to_string(p.virq) + (n ? std::string(" (") + n + ")" : "");
    }
    if (p.state == "Ipi") return "IPI to vCPU " + std::to_string(p.notify_vcpu);
    return "";
}

void EvtchnView::update(const EvtchnSnapshot& s, double now) {
    if (s.domid != domid_) {
        prev_.clear();
        domid_ = s.domid;
    }
    std::map<u32, PortRow> next;
    rows_.clear();
    for (const PortSnapshot& p : s.ports) {
        PortRow r;
        r.port = p;
        r.binding = binding_text(p);
        auto old = prev_.find(p.port);
        if (old != prev_.end() && old->second.port.state == p.state) {
            r.flashed_at = old->second.flashed_at;
            r.rises = old->second.rises;
            if (p.pending && !old->second.port.pending) {
                r.flashed_at = now;
                r.rises++;
            }
        } else if (p.pending) {
            r.flashed_at = now;
        }
        next[p.port] = r;
        rows_.push_back(r);
    }
    prev_ = std::move(next);
    vcpus_ = s.vcpus;
}

} // namespace glass::gui
