// The fault-injection panel's form: which kind, which domain, what fires
// it and the kind's parameters, in the words `glass inject` takes
// (decimal or 0x numbers, hypercall and errno names, 50ms, layout=blk).
// The kinds are the parser's own list (hv/core/inject/kinds.hpp), the
// fields a kind shows are the keys its parser accepts, and build() turns
// the form into the wire spec with the CLI's translation and checks it with
// the hypervisor's parser, so the form refuses exactly what the hypervisor
// would, with the parser's reason, before anything is sent.
#pragma once

#include "hv/lib/types.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace glass::gui {

// A parameter the form can offer: the `glass inject` word, the spec key
// whose applicability (inject::key_applies) decides which kinds show it,
// and a hint for the empty field.
struct InjectField {
    const char* key;
    const char* spec_key;
    const char* hint;
};

enum class InjectTrigger : u8 { Now, Hypercall, Rip, PageFault };
const char* trigger_label(InjectTrigger t);

class InjectForm {
  public:
    // Every kind the parser knows, in its order ("pf", "gp", ... "crash").
    static const std::vector<std::string>& kinds();

    const std::string& kind() const { return kinds()[kind_]; }
    size_t kind_index() const { return kind_; }
    void set_kind_index(size_t i);
    bool set_kind(const std::string& name);

    // The target domain follows the selection until one is typed.
    const std::string& domain() const { return domain_; }
    void set_domain(std::string text);
    void follow(std::optional<u16> selected);

    // vCPU: exceptions and crash only (the parser refuses it elsewhere).
    bool takes_vcpu() const;
    std::string vcpu;

    InjectTrigger trigger = InjectTrigger::Now;
    std::string trigger_at; // Hypercall: NAME[.SUB]; Rip: an address
    std::string after;      // Hypercall: the Nth call (empty: the first)

    // The parameters of the current kind, in a fixed order.
    std::vector<const InjectField*> fields() const;
    // A parameter's text; kept across kind changes, used only where it applies.
    std::string& value(const std::string& key) { return values_[key]; }
    const std::string& value(const std::string& key) const;
    std::string more; // further key=value words (header=, offset=, ...)

    // What `glass inject` would take after the kind for this form.
    std::vector<std::string> words() const;
    // The form as one `glass inject` command line.
    std::string command_line() const;

    struct Built {
        std::string spec;  // the wire text, when it parses
        std::string error; // else why not, naming the field
        bool ok() const { return error.empty(); }
    };
    Built build() const;

    // Fills the form from a `glass inject` line ("pf dom=1 cr2=0x1000"):
    // for scripts and tests. "" when it fits the form, else why not.
    std::string load(const std::string& line);

  private:
    size_t kind_ = 0;
    std::string domain_;
    bool domain_typed_ = false;
    std::map<std::string, std::string> values_;
};

} // namespace glass::gui
