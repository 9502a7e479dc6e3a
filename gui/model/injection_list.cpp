#include "gui/model/injection_list.hpp"

#include <cstdio>

namespace glass::gui {

namespace {

std::string hex(u64 v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

} // namespace

Rgba state_colour(const std::string& state) {
    if (state == "armed") return kInjectArmed;
    if (state == "done") return kInjectDone;
    if (state == "cancelled") return kInjectCancelled;
    return 0;
}

bool InjectionList::due(double now) const {
    return !last_ || soon_ || now - *last_ >= period_;
}

void InjectionList::started(double now) {
    last_ = now;
    soon_ = false;
}

void InjectionList::set(const Outcome<std::vector<Injection>>& r) {
    if (!r.ok()) {
        error_ = r.error();
        return;
    }
    rows_ = *r;
    error_.clear();
    read_once_ = true;
}

const Injection* InjectionList::find(u32 id) const {
    for (const Injection& i : rows_)
        if (i.id == id) return &i;
    return nullptr;
}

// What the hypervisor puts in `detail` for each effect (hv/inject/injector.cpp).
std::string InjectionList::detail_text(const Injection& i) {
    const std::string& e = i.effect;
    if (e == "delivered" || e == "no-handler" || e == "nmi-no-callback" || e == "crashed")
        return "rip " + hex(i.detail);
    if (e == "raised" || e == "dropped") return "port " + std::to_string(i.detail);
    if (e == "delayed") {
        char b[32];
        std::snprintf(b, sizeof b, "held %.3g ms", static_cast<double>(i.detail) / 1e6);
        return b;
    }
    if (e == "failed")
        return i.detail == 0xffffffffu ? "any sub-op" : "sub-op " + std::to_string(i.detail);
    if (e == "corrupted") return "ring index " + std::to_string(i.detail);
    if (e == "reordered")
        return "ring index " + std::to_string(i.detail) + "/" + std::to_string(i.detail + 1);
    return i.detail ? hex(i.detail) : "";
}

} // namespace glass::gui
