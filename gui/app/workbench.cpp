#include "gui/app/workbench.hpp"

#include "gui/model/domains_view.hpp"

namespace glass::gui {

void Workbench::replace_session(std::unique_ptr<Session> s) {
    frame_.reset();
    session_ = std::move(s);
    selection = {};
    notify("now " + session_->describe());
}

void Workbench::begin_frame(double now) {
    now_ = now;
    session_->poll();
    StateSource* src = session_->state();
    frame_ = src ? src->latest() : nullptr;
    if (frame_ && frame_->seq == 0) frame_.reset();
}

void Workbench::notify(std::string text, bool error) {
    messages_.push_back({std::move(text), error, now_});
    if (messages_.size() > 50) messages_.pop_front();
}

bool Workbench::report(const Outcome<Done>& r, const std::string& what) {
    if (r.ok()) {
        notify(what);
        // Show the effect at once rather than at the next poll.
        if (StateSource* src = session_->state()) src->poke();
        return true;
    }
    notify(what + " failed: " + r.error(), true);
    return false;
}

bool Workbench::pause(u16 domid) {
    return report(session_->control().pause(domid), "paused domain " + std::to_string(domid));
}
bool Workbench::unpause(u16 domid) {
    return report(session_->control().unpause(domid), "unpaused domain " + std::to_string(domid));
}
bool Workbench::destroy(u16 domid) {
    return report(session_->control().destroy(domid), "destroyed domain " + std::to_string(domid));
}

std::string Workbench::domain_state(u16 domid) const {
    if (!frame_) return "";
    const DomainSnapshot* d = frame_->domains.find(domid);
    return d ? shown_state(*d) : "";
}

} // namespace glass::gui
