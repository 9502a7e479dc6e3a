#include "gui/model/inject_form.hpp"

#include "gdbstub/cli/inject_main.hpp"
#include "hv/core/inject/spec.hpp"
#include "hv/core/inject/spec_text.hpp"

#include <cstring>
#include <sstream>

namespace glass::gui {

namespace {

// The parameters in `glass inject`'s words (its --help), each tied to the
// spec key that decides where it applies. layout= and field= are the CLI's
// shorthands for a blkif ring; the raw keys they expand to go under More.
constexpr InjectField kFields[] = {
    {"cr2", "cr2", "faulting address, e.g. 0xdead0000"},
    {"error", "error", "error code, e.g. 2 (write)"},
    {"port", "port", "event channel port"},
    {"delay", "delay", "how long: 50ms, 2s, 100us"},
    {"hc", "hc", "hypercall[.sub-op], e.g. memory_op.increase_reservation"},
    {"errno", "errno", "ENOMEM, EINVAL, ... or a number"},
    {"ring", "ring", "grant reference of the ring page"},
    {"layout", "slot", "blk (or header= slot= slots= under More)"},
    {"field", "offset", "status or id (or offset= size= under More)"},
    {"value", "value", "what the field becomes"},
    {"reason", "reason", "why, logged by the hypervisor"},
};

bool applies(size_t kind, const char* spec_key) {
    return ::inject::key_applies(static_cast<::inject::Kind>(kind), spec_key,
                                 std::strlen(spec_key));
}

const InjectField* field_named(const std::string& key) {
    for (const InjectField& f : kFields)
        if (key == f.key) return &f;
    return nullptr;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

} // namespace

const char* trigger_label(InjectTrigger t) {
    switch (t) {
    case InjectTrigger::Now:
        return "now";
    case InjectTrigger::Hypercall:
        return "at a hypercall";
    case InjectTrigger::Rip:
        return "when a vCPU reaches rip";
    case InjectTrigger::PageFault:
        return "at the next page fault";
    }
    return "?";
}

const std::vector<std::string>& InjectForm::kinds() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> v;
        for (const char* n : ::inject::kKindNames)
            v.emplace_back(n);
        return v;
    }();
    return all;
}

void InjectForm::set_kind_index(size_t i) {
    if (i < kinds().size()) kind_ = i;
}

bool InjectForm::set_kind(const std::string& name) {
    for (size_t i = 0; i < kinds().size(); i++)
        if (kinds()[i] == name) {
            kind_ = i;
            return true;
        }
    return false;
}

void InjectForm::set_domain(std::string text) {
    domain_ = trim(text);
    domain_typed_ = !domain_.empty(); // cleared: follow the selection again
}

void InjectForm::follow(std::optional<u16> selected) {
    if (!domain_typed_) domain_ = selected ? std::to_string(*selected) : "";
}

bool InjectForm::takes_vcpu() const {
    auto k = static_cast<::inject::Kind>(kind_);
    return ::inject::is_exception(k) || k == ::inject::Kind::Crash;
}

std::vector<const InjectField*> InjectForm::fields() const {
    std::vector<const InjectField*> out;
    for (const InjectField& f : kFields)
        if (applies(kind_, f.spec_key)) out.push_back(&f);
    return out;
}

const std::string& InjectForm::value(const std::string& key) const {
    static const std::string none;
    auto it = values_.find(key);
    return it == values_.end() ? none : it->second;
}

std::vector<std::string> InjectForm::words() const {
    std::vector<std::string> w;
    if (!domain_.empty()) w.push_back("dom=" + domain_);
    if (takes_vcpu() && !trim(vcpu).empty()) w.push_back("vcpu=" + trim(vcpu));
    std::string at = trim(trigger_at);
    switch (trigger) {
    case InjectTrigger::Hypercall:
        w.push_back("on=" + at);
        if (!trim(after).empty()) w.push_back("after=" + trim(after));
        break;
    case InjectTrigger::Rip:
        w.push_back("rip=" + at);
        break;
    case InjectTrigger::PageFault:
        w.push_back("on=pf");
        break;
    case InjectTrigger::Now:
        break;
    }
    std::string reason;
    for (const InjectField* f : fields()) {
        std::string v = trim(value(f->key));
        if (v.empty()) continue;
        if (std::string(f->key) == "reason")
            reason = v; // last: glass inject takes the rest of the line as the reason
        else
            w.push_back(std::string(f->key) + "=" + v);
    }
    for (const std::string& m : split(more))
        w.push_back(m);
    if (!reason.empty()) w.push_back("reason=" + reason);
    return w;
}

std::string InjectForm::command_line() const {
    std::string line = kind();
    for (const std::string& w : words())
        line += " " + w;
    return line;
}

InjectForm::Built InjectForm::build() const {
    Built b;
    if (domain_.empty()) {
        b.error = "target domain: select a domain or type its id";
        return b;
    }
    if (trigger == InjectTrigger::Hypercall && trim(trigger_at).empty()) {
        b.error = "trigger: name the hypercall that fires it (e.g. memory_op or 0xc)";
        return b;
    }
    if (trigger == InjectTrigger::Rip && trim(trigger_at).empty()) {
        b.error = "trigger: give the guest address (rip) that fires it";
        return b;
    }
    auto t = glass::inject_cli::translate(kind(), words());
    if (!t.error.empty()) {
        b.error = kind() + ": " + t.error;
        return b;
    }
    b.spec = t.spec;
    return b;
}

std::string InjectForm::load(const std::string& line) {
    std::vector<std::string> w = split(line);
    if (w.empty()) return "no kind given";
    if (!set_kind(w[0])) {
        std::string all;
        for (const std::string& k : kinds())
            all += (all.empty() ? "" : ", ") + k;
        return "unknown kind '" + w[0] + "' (" + all + ")";
    }
    vcpu.clear();
    trigger = InjectTrigger::Now;
    trigger_at.clear();
    after.clear();
    more.clear();
    values_.clear();
    for (size_t i = 1; i < w.size(); i++) {
        size_t eq = w[i].find('=');
        if (eq == std::string::npos || eq == 0) return "'" + w[i] + "' is not key=value";
        std::string key = w[i].substr(0, eq), v = w[i].substr(eq + 1);
        if (key == "reason") {
            for (size_t j = i + 1; j < w.size(); j++)
                v += " " + w[j];
            i = w.size();
        }
        if (key == "dom") {
            set_domain(v);
        } else if (key == "vcpu") {
            if (!takes_vcpu()) return "vcpu= applies only to exceptions and crash, not " + kind();
            vcpu = v;
        } else if (key == "on") {
            trigger = v == "pf" ? InjectTrigger::PageFault : InjectTrigger::Hypercall;
            trigger_at = v == "pf" ? "" : v;
        } else if (key == "rip") {
            trigger = InjectTrigger::Rip;
            trigger_at = v;
        } else if (key == "after") {
            after = v;
        } else if (const InjectField* f = field_named(key)) {
            if (!applies(kind_, f->spec_key)) return key + "= does not apply to " + kind();
            values_[key] = v;
        } else {
            more += (more.empty() ? "" : " ") + w[i];
        }
    }
    return "";
}

} // namespace glass::gui
