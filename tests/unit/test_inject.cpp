// Fault-injection policy (hv/core/inject): the wire text, arming and
// cancelling, triggers that count and fire, and which event each kind
// answers.
#include "hv/core/inject/spec_text.hpp"
#include "hv/core/inject/table.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

using namespace inject;

namespace {

Spec parse(const char* text) {
    Spec s;
    const char* why = parse_spec(text, std::strlen(text), s);
    INFO(text << ": " << (why ? why : ""));
    REQUIRE(why == nullptr);
    return s;
}

std::string problem(const char* text) {
    Spec s;
    const char* why = parse_spec(text, std::strlen(text), s);
    return why ? why : "";
}

std::string format(const Spec& s) {
    char buf[256];
    usize n = format_spec(s, buf, sizeof buf);
    REQUIRE(n < sizeof buf);
    return buf;
}

} // namespace

TEST_CASE("inject specs parse and format back identically", "[inject]") {
    const char* texts[] = {
        "pf;dom=1;vcpu=0;cr2=dead0000;error=2",
        "gp;dom=1;rip=ffffffff80101234;error=0",
        "ud;dom=2;on=pf",
        "db;dom=1;on=11;after=3",
        "nmi;dom=1",
        "evtchn-raise;dom=1;port=5",
        "evtchn-drop;dom=1;on=20.1;port=5",
        "evtchn-delay;dom=1;port=5;delay=2faf080",
        "hypercall-fail;dom=1;on=c.0;after=2;hc=c.0;errno=c",
        "hypercall-fail;dom=1;hc=11;errno=26",
        "ring-corrupt;dom=1;port=3;ring=8;header=40;slot=70;slots=20;offset=a;size=2;value=ffff",
        "ring-reorder;dom=1;port=3;ring=8;header=40;slot=70;slots=20",
        "memory-refuse;dom=3",
        "crash;dom=1;reason=injected by the test",
    };
    for (const char* t : texts) {
        INFO(t);
        CHECK(format(parse(t)) == t);
    }
    Spec s = parse("db;dom=1;on=11;after=3");
    CHECK(s.trigger == Trigger::Hypercall);
    CHECK(s.on_hypercall == 0x11);
    CHECK(s.on_subop == kAnySubop);
    CHECK(s.count == 3);
}

TEST_CASE("inject specs refuse what does not make sense", "[inject]") {
    CHECK(problem("boom;dom=1") == "unknown kind");
    CHECK(problem("pf;cr2=1") == "needs dom");
    CHECK(problem("pf;dom=1;dom=2") == "key given twice");
    CHECK(problem("pf;dom=1;port=3") == "key does not apply to this kind");
    CHECK(problem("pf;dom=1;colour=3") == "unknown key");
    CHECK(problem("pf;dom=1;cr2") == "expected key=value");
    CHECK(problem("pf;dom=1;cr2=xyz") == "cr2: an address (hex)");
    CHECK(problem("pf;dom=1;cr2=0x10") == "cr2: an address (hex)");
    CHECK(problem("pf;dom=7ff0") == "dom: a domain id (hex, < 7ff0)");
    CHECK(problem("ud;dom=1;after=3") == "after needs on=NR[.SUB]");
    CHECK(problem("ud;dom=1;on=pf;rip=10") == "one trigger at most (on= or rip=)");
    CHECK(problem("ud;dom=1;on=3;after=0") == "trigger count must be at least 1");
    CHECK(problem("ud;dom=1;rip=0") == "rip trigger needs an address");
    CHECK(problem("evtchn-drop;dom=1") == "needs port (port 0 is never bound)");
    CHECK(problem("evtchn-delay;dom=1;port=2") == "needs a delay");
    CHECK(problem("evtchn-drop;dom=1;port=2;vcpu=1") ==
          "vcpu applies only to exceptions and crash");
    CHECK(problem("hypercall-fail;dom=1;errno=c") == "needs hc");
    CHECK(problem("hypercall-fail;dom=1;hc=c") == "needs errno (a Xen errno, 1-200)");
    CHECK(problem("hypercall-fail;dom=1;hc=40;errno=c") == "hypercall number out of range");
    CHECK(problem("ring-reorder;dom=1;port=3;ring=8;slot=70;slots=30") ==
          "slots must be a power of two");
    CHECK(problem("ring-reorder;dom=1;port=3;ring=8;slot=1000;slots=2") ==
          "ring does not fit one page");
    CHECK(problem("ring-corrupt;dom=1;port=3;ring=8;slot=10;slots=20;offset=f;size=2;value=1") ==
          "field lies outside the slot");
    CHECK(problem("ring-corrupt;dom=1;port=3;ring=8;slot=10;slots=20;offset=0;size=3;value=1") ==
          "field size must be 1, 2, 4 or 8");
    CHECK(problem("crash;dom=1") == "needs a reason");
    CHECK(problem("crash;dom=1;reason=a|b") == "reason: printable, no '|'");
}

TEST_CASE("inject: now-triggered exceptions wait for the target vCPU", "[inject]") {
    InjectionTable t;
    auto i = t.arm(parse("pf;dom=1;vcpu=1;cr2=dead0000;error=2"));
    REQUIRE(i.ok());
    CHECK((*i)->state == State::Active);
    CHECK(t.next_delivery(1, 0) == nullptr); // another vCPU
    CHECK(t.next_delivery(2, 1) == nullptr); // another domain
    Injection* d = t.next_delivery(1, 1);
    REQUIRE(d == *i);
    t.complete(d, Effect::Delivered, 0x1234);
    CHECK(d->state == State::Done);
    CHECK(t.next_delivery(1, 1) == nullptr);
    CHECK(t.idle());
    CHECK_FALSE(t.cancel(d->id).ok()); // finished: nothing to cancel
}

TEST_CASE("inject: hypercall triggers count occurrences of that call only", "[inject]") {
    InjectionTable t;
    auto i = t.arm(parse("ud;dom=1;on=c.0;after=3"));
    REQUIRE(i.ok());
    t.hypercall(1, 0, 0xc, 1);  // another sub-op
    t.hypercall(2, 0, 0xc, 0);  // another domain
    t.hypercall(1, 0, 0x11, 0); // another hypercall
    t.hypercall(1, 0, 0xc, 0);
    t.hypercall(1, 1, 0xc, 0);
    CHECK((*i)->state == State::Armed);
    CHECK((*i)->seen == 2);
    t.hypercall(1, 1, 0xc, 0);
    CHECK((*i)->state == State::Active);
    // No vcpu= given: the vCPU that made the third call gets it.
    CHECK(t.next_delivery(1, 0) == nullptr);
    CHECK(t.next_delivery(1, 1) == *i);
}

TEST_CASE("inject: hypercall-fail answers the matching call, once", "[inject]") {
    InjectionTable t;
    auto i = t.arm(parse("hypercall-fail;dom=1;hc=c.0;errno=c"));
    REQUIRE(i.ok());
    CHECK_FALSE(t.hypercall(1, 0, 0xc, 1).fail);
    CHECK_FALSE(t.hypercall(0, 0, 0xc, 0).fail);
    HypercallVerdict v = t.hypercall(1, 0, 0xc, 0);
    REQUIRE(v.fail);
    CHECK(v.result == -12);
    t.complete(v.by, Effect::Failed);
    CHECK_FALSE(t.hypercall(1, 0, 0xc, 0).fail);

    // Trigger and target the same call: the Nth call is the one that fails.
    auto j = t.arm(parse("hypercall-fail;dom=1;on=11;after=2;hc=11;errno=26"));
    REQUIRE(j.ok());
    CHECK_FALSE(t.hypercall(1, 0, 0x11, 0).fail);
    HypercallVerdict w = t.hypercall(1, 0, 0x11, 5);
    CHECK(w.fail);
    CHECK(w.result == -0x26);
}

TEST_CASE("inject: page-fault and rip triggers", "[inject]") {
    InjectionTable t;
    auto pf = t.arm(parse("gp;dom=1;on=pf;error=8"));
    auto rip = t.arm(parse("db;dom=1;rip=ffffffff80100010"));
    REQUIRE(pf.ok());
    REQUIRE(rip.ok());
    t.page_fault(2, 0);
    CHECK((*pf)->state == State::Armed);
    t.page_fault(1, 0);
    CHECK((*pf)->state == State::Active);
    // A rip trigger fires only once the glue has planted its breakpoint.
    CHECK(t.next_unplanted() == *rip);
    CHECK(t.breakpoint(1, 0, 0xffffffff80100010) == nullptr);
    (*rip)->planted = true;
    CHECK(t.next_unplanted() == nullptr);
    CHECK(t.breakpoint(1, 0, 0xffffffff80100011) == nullptr);
    CHECK(t.breakpoint(1, 0, 0xffffffff80100010) == *rip);
    CHECK((*rip)->state == State::Active);
}

TEST_CASE("inject: event kinds match their port, delays merge", "[inject]") {
    InjectionTable t;
    auto raise = t.arm(parse("evtchn-raise;dom=1;port=7"));
    REQUIRE(raise.ok());
    CHECK(t.next_immediate() == *raise);
    t.complete(*raise, Effect::Raised);
    CHECK(t.next_immediate() == nullptr);

    auto delay = t.arm(parse("evtchn-delay;dom=1;port=5;delay=1000"));
    REQUIRE(delay.ok());
    CHECK(t.notification(1, 4) == nullptr);
    CHECK(t.notification(2, 5) == nullptr);
    Injection* d = t.notification(1, 5);
    REQUIRE(d == *delay);
    t.hold(d);
    CHECK(d->state == State::Holding);
    CHECK(t.notification(1, 5) == d);  // merged into the held one
    CHECK_FALSE(t.cancel(d->id).ok()); // the timer owns it now
    t.complete(d, Effect::Delayed, 1000);
    CHECK(t.notification(1, 5) == nullptr);
}

TEST_CASE("inject: memory refusal, cancel and capacity", "[inject]") {
    InjectionTable t;
    auto m = t.arm(parse("memory-refuse;dom=3"));
    REQUIRE(m.ok());
    CHECK(t.reservation_increase(1) == nullptr);
    CHECK(t.reservation_increase(3) == *m);
    REQUIRE(t.cancel((*m)->id).ok());
    CHECK(t.reservation_increase(3) == nullptr);
    CHECK((*m)->state == State::Cancelled);
    CHECK(t.cancel(999).error() == XEN_ENOENT);

    // Live injections fill the table; finished ones are reused oldest first.
    for (usize k = 0; k < InjectionTable::kCapacity; k++)
        REQUIRE(t.arm(parse("crash;dom=1;reason=x;on=pf")).ok());
    CHECK(t.arm(parse("nmi;dom=1")).error() == XEN_ENOSPC);
    Spec bad;
    bad.kind = Kind::Crash; // no reason
    REQUIRE(t.cancel(5).ok());
    CHECK(t.arm(bad).error() == XEN_EINVAL);
    CHECK(t.arm(parse("nmi;dom=1")).ok());
    // Ids keep growing: an id is never reused, so cancel(old) cannot hit a new one.
    CHECK(t.find(1) == nullptr);
}

TEST_CASE("inject: ending a domain lists its unfinished injections", "[inject]") {
    InjectionTable t;
    REQUIRE(t.arm(parse("ud;dom=1;on=pf")).ok());
    REQUIRE(t.arm(parse("ud;dom=2;on=pf")).ok());
    Injection* i = t.next_of_domain(1);
    REQUIRE(i);
    t.complete(i, Effect::DomainGone);
    CHECK(t.next_of_domain(1) == nullptr);
    CHECK(t.next_of_domain(2) != nullptr);
}

TEST_CASE("inject: subops of hypercall families", "[inject]") {
    CHECK(hypercall_subop(12, 0x40 | 6) == 6); // memory_op keeps the extent start above
    CHECK(hypercall_subop(32, 4) == 4);        // event_channel_op send
    CHECK(hypercall_subop(1, 7) == kAnySubop); // mmu_update has no sub-op
}

#include "hv/core/inject/ring_tamper.hpp"

namespace {

// A blkif-shaped ring: 64-byte header, 32 slots of 112 bytes.
struct Page {
    alignas(8) u8 bytes[4096] = {};
    void set(usize off, u32 v) { std::memcpy(bytes + off, &v, 4); }
    u8* slot(u32 i) { return bytes + 64 + (i & 31) * 112; }
};

RingTarget blk_ring() {
    RingTarget r;
    r.header = 64;
    r.slot_size = 112;
    r.slots = 32;
    r.field_offset = 10; // status
    r.field_size = 2;
    r.value = 0xffff;
    return r;
}

} // namespace

TEST_CASE("inject: ring responses are corrupted and swapped only when fresh", "[inject]") {
    Page p;
    RingTarget r = blk_ring();
    for (u32 i = 0; i < 32; i++)
        p.slot(i)[0] = static_cast<u8>(i);
    u32 index = 0;
    // rsp_prod 40, frontend waits for index 38 (rsp_event 39): 38, 39 fresh.
    p.set(8, 40);
    p.set(12, 39);
    REQUIRE(swap_newest_responses(p.bytes, r, index));
    CHECK(index == 38);
    CHECK(p.slot(38)[0] == (39 & 31));
    CHECK(p.slot(39)[0] == (38 & 31));
    REQUIRE(corrupt_newest_response(p.bytes, r, index));
    CHECK(index == 39);
    CHECK(p.slot(39)[10] == 0xff);
    CHECK(p.slot(39)[11] == 0xff);
    CHECK(p.slot(39)[12] == 0);
    // Only one fresh response: nothing to reorder; none: nothing to corrupt.
    p.set(12, 40);
    CHECK_FALSE(swap_newest_responses(p.bytes, r, index));
    p.set(12, 41);
    CHECK_FALSE(corrupt_newest_response(p.bytes, r, index));
    // Indices the other side scribbled: refused, nothing written past the page.
    p.set(12, 0x80000000);
    CHECK_FALSE(corrupt_newest_response(p.bytes, r, index));
    // Free-running indices wrap.
    p.set(8, 1);
    p.set(12, 0);
    REQUIRE(swap_newest_responses(p.bytes, r, index));
    CHECK(index == 0xffffffff);
}
