// The fault-injection panel's form and table models: kinds and fields come
// from the hypervisor's parser, the form builds the wire spec glass inject
// would send, and refuses bad input with the parser's reason before
// anything reaches the control channel.
#include "gui/model/inject_form.hpp"
#include "gui/model/injection_list.hpp"

#include "hv/core/inject/spec_text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace glass;
using namespace glass::gui;

namespace {

std::vector<std::string> field_keys(const InjectForm& f) {
    std::vector<std::string> out;
    for (const InjectField* p : f.fields())
        out.emplace_back(p->key);
    return out;
}

} // namespace

TEST_CASE("inject form: the kinds are the parser's, each one parses by name") {
    const auto& kinds = InjectForm::kinds();
    REQUIRE(kinds.size() == ::inject::kKinds);
    CHECK(kinds.front() == "pf");
    CHECK(std::find(kinds.begin(), kinds.end(), "ring-reorder") != kinds.end());
    for (const std::string& k : kinds) {
        ::inject::Spec s;
        // Unknown kinds fail first; a known kind fails later, on its parameters.
        const char* why = ::inject::parse_spec(k.data(), k.size(), s);
        CHECK(std::string(why ? why : "") != "unknown kind");
    }
}

TEST_CASE("inject form: each kind shows the fields its parser takes") {
    InjectForm f;
    REQUIRE(f.set_kind("pf"));
    CHECK(field_keys(f) == std::vector<std::string>{"cr2", "error"});
    CHECK(f.takes_vcpu());
    REQUIRE(f.set_kind("gp"));
    CHECK(field_keys(f) == std::vector<std::string>{"error"});
    REQUIRE(f.set_kind("evtchn-delay"));
    CHECK(field_keys(f) == std::vector<std::string>{"port", "delay"});
    CHECK_FALSE(f.takes_vcpu());
    REQUIRE(f.set_kind("hypercall-fail"));
    CHECK(field_keys(f) == std::vector<std::string>{"hc", "errno"});
    REQUIRE(f.set_kind("ring-corrupt"));
    CHECK(field_keys(f) == std::vector<std::string>{"port", "ring", "layout", "field", "value"});
    REQUIRE(f.set_kind("ring-reorder"));
    CHECK(field_keys(f) == std::vector<std::string>{"port", "ring", "layout"});
    REQUIRE(f.set_kind("crash"));
    CHECK(field_keys(f) == std::vector<std::string>{"reason"});
    REQUIRE(f.set_kind("memory-refuse"));
    CHECK(field_keys(f).empty());
    CHECK_FALSE(f.set_kind("segfault"));
}

TEST_CASE("inject form: the target follows the selection until one is typed") {
    InjectForm f;
    f.follow(std::nullopt);
    CHECK(f.domain().empty());
    f.follow(1);
    CHECK(f.domain() == "1");
    f.follow(2);
    CHECK(f.domain() == "2");
    f.set_domain("3");
    f.follow(1);
    CHECK(f.domain() == "3");
    f.set_domain(""); // cleared: back to the selection
    f.follow(1);
    CHECK(f.domain() == "1");
}

TEST_CASE("inject form: builds the wire spec glass inject sends") {
    InjectForm f;
    f.follow(1);
    REQUIRE(f.set_kind("pf"));
    f.value("cr2") = "0xdead0000";
    f.value("error") = "2";
    auto b = f.build();
    REQUIRE(b.ok());
    CHECK(b.spec == "pf;dom=1;cr2=dead0000;error=2");
    CHECK(f.command_line() == "pf dom=1 cr2=0xdead0000 error=2");

    // Values of another kind are kept but not sent.
    REQUIRE(f.set_kind("hypercall-fail"));
    f.value("hc") = "memory_op.increase_reservation";
    f.value("errno") = "ENOMEM";
    f.trigger = InjectTrigger::Hypercall;
    f.trigger_at = "memory_op";
    f.after = "3";
    b = f.build();
    REQUIRE(b.ok());
    CHECK(b.spec == "hypercall-fail;dom=1;on=c;after=3;hc=c.0;errno=c");

    REQUIRE(f.set_kind("evtchn-delay"));
    f.trigger = InjectTrigger::Now;
    f.value("port") = "3";
    f.value("delay") = "50ms";
    b = f.build();
    REQUIRE(b.ok());
    CHECK(b.spec == "evtchn-delay;dom=1;port=3;delay=2faf080");

    REQUIRE(f.set_kind("ring-corrupt"));
    f.value("ring") = "8";
    f.value("layout") = "blk";
    f.value("field") = "status";
    f.value("value") = "-1";
    b = f.build();
    REQUIRE(b.ok());
    CHECK(b.spec ==
          "ring-corrupt;dom=1;port=3;ring=8;header=40;slot=70;slots=20;offset=a;size=2;value=ffff");

    REQUIRE(f.set_kind("crash"));
    f.vcpu = "0";
    f.trigger = InjectTrigger::Rip;
    f.trigger_at = "0xffff800000001000";
    f.value("reason") = "panel test";
    b = f.build();
    REQUIRE(b.ok());
    CHECK(b.spec == "crash;dom=1;vcpu=0;rip=ffff800000001000;reason=panel test");
}

TEST_CASE("inject form: bad input is refused with the reason, before sending") {
    InjectForm f;
    REQUIRE(f.set_kind("pf"));
    auto b = f.build();
    CHECK_FALSE(b.ok());
    CHECK(b.error == "target domain: select a domain or type its id");

    f.set_domain("one");
    b = f.build();
    CHECK(b.error == "pf: dom='one' is not a number");

    f.set_domain("1");
    f.value("cr2") = "0xzz";
    b = f.build();
    CHECK(b.error == "pf: cr2='0xzz' is not a number");

    REQUIRE(f.set_kind("evtchn-raise"));
    b = f.build();
    CHECK(b.error.find("needs port (port 0 is never bound)") != std::string::npos);

    REQUIRE(f.set_kind("hypercall-fail"));
    f.value("errno") = "ENOMEM";
    b = f.build();
    CHECK(b.error.find("needs hc") != std::string::npos);
    f.value("hc") = "no_such_call";
    b = f.build();
    CHECK(b.error == "hypercall-fail: unknown hypercall 'no_such_call'");

    f.value("hc") = "memory_op";
    f.trigger = InjectTrigger::Hypercall;
    b = f.build();
    CHECK(b.error.rfind("trigger: name the hypercall", 0) == 0);
    f.trigger = InjectTrigger::Rip;
    b = f.build();
    CHECK(b.error == "trigger: give the guest address (rip) that fires it");

    // A key under More that the kind does not take: the parser's words.
    f.trigger = InjectTrigger::Now;
    f.more = "cr2=0x1000";
    b = f.build();
    CHECK(b.error.find("key does not apply to this kind") != std::string::npos);
}

TEST_CASE("inject form: a glass inject line fills the form") {
    InjectForm f;
    f.follow(0);
    CHECK(f.load("pf dom=1 cr2=0xdead0000 error=2 rip=0x401000") == "");
    CHECK(f.kind() == "pf");
    CHECK(f.domain() == "1");
    CHECK(f.trigger == InjectTrigger::Rip);
    CHECK(f.trigger_at == "0x401000");
    CHECK(f.value("cr2") == "0xdead0000");
    CHECK(f.build().spec == "pf;dom=1;rip=401000;cr2=dead0000;error=2");

    CHECK(f.load("crash dom=2 reason=two words") == "");
    CHECK(f.value("reason") == "two words");
    CHECK(f.build().spec == "crash;dom=2;reason=two words");

    CHECK(f.load("gp dom=1 on=pf") == "");
    CHECK(f.trigger == InjectTrigger::PageFault);
    CHECK(f.value("cr2").empty()); // a load starts from an empty form

    CHECK(f.load("ring-reorder dom=1 port=3 ring=8 header=40 slot=112 slots=32") == "");
    CHECK(f.more == "header=40 slot=112 slots=32");
    CHECK(f.build().spec == "ring-reorder;dom=1;port=3;ring=8;header=28;slot=70;slots=20");

    CHECK(f.load("segfault dom=1").rfind("unknown kind 'segfault' (pf, gp,", 0) == 0);
    CHECK(f.load("pf dom=1 port=3") == "port= does not apply to pf");
    CHECK(f.load("evtchn-raise dom=1 vcpu=0") ==
          "vcpu= applies only to exceptions and crash, not evtchn-raise");
    CHECK(f.load("pf 1") == "'1' is not key=value");
}

TEST_CASE("injection list: read on a schedule, at once after an action") {
    InjectionList l(0.5);
    CHECK(l.due(0.0));
    l.started(0.0);
    CHECK_FALSE(l.due(0.2));
    CHECK(l.due(0.5));
    l.started(0.5);
    l.refresh_soon();
    CHECK(l.due(0.6));
    l.started(0.6);
    CHECK_FALSE(l.due(0.7));

    l.set(std::vector<Injection>{{1, "done", "delivered", 0x401000, "pf;dom=1;cr2=0;error=0"},
                                 {2, "armed", "none", 0, "evtchn-raise;dom=1;port=3"}});
    REQUIRE(l.rows().size() == 2);
    CHECK(l.read_once());
    CHECK_FALSE(InjectionList::cancellable(*l.find(1)));
    CHECK(InjectionList::cancellable(*l.find(2)));
    CHECK(l.find(3) == nullptr);
    CHECK(state_colour("armed") == kInjectArmed);
    CHECK(state_colour("done") == kInjectDone);
    CHECK(state_colour("active") == 0);

    // A failed read keeps the rows and says why.
    l.set(Outcome<std::vector<Injection>>::failure("timeout"));
    CHECK(l.rows().size() == 2);
    CHECK(l.error() == "timeout");
    l.set(std::vector<Injection>{});
    CHECK(l.error().empty());
    CHECK(l.rows().empty());
}

TEST_CASE("injection list: the detail in its effect's words") {
    auto d = [](const char* effect, u64 detail) {
        return InjectionList::detail_text(Injection{1, "done", effect, detail, ""});
    };
    CHECK(d("delivered", 0x401000) == "rip 0x401000");
    CHECK(d("crashed", 0x10) == "rip 0x10");
    CHECK(d("raised", 3) == "port 3");
    CHECK(d("delayed", 50'000'000) == "held 50 ms");
    CHECK(d("failed", 0) == "sub-op 0");
    CHECK(d("corrupted", 7) == "ring index 7");
    CHECK(d("reordered", 7) == "ring index 7/8");
    CHECK(d("none", 0) == "");
    CHECK(d("refused", 0) == "");
}
