#include "hv/core/inject/spec_text.hpp"

#include "hv/core/inject/table.hpp"

namespace inject {

namespace {

struct View {
    const char* p;
    usize n;
    bool is(const char* s) const {
        usize i = 0;
        for (; s[i]; i++)
            if (i == n || p[i] != s[i]) return false;
        return i == n;
    }
};

bool hex(View v, u64& out) {
    if (v.n == 0 || v.n > 16) return false;
    u64 x = 0;
    for (usize i = 0; i < v.n; i++) {
        char c = v.p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        x = x << 4 | static_cast<u64>(d);
    }
    out = x;
    return true;
}

template <class T>
bool hex_fits(View v, T& out, u64 max) {
    u64 x;
    if (!hex(v, x) || x > max) return false;
    out = static_cast<T>(x);
    return true;
}

// NR or NR.SUB
bool call(View v, u32& nr, u32& sub) {
    usize dot = 0;
    while (dot < v.n && v.p[dot] != '.')
        dot++;
    if (!hex_fits(View{v.p, dot}, nr, 0xffffffff)) return false;
    sub = kAnySubop;
    if (dot == v.n) return true;
    return hex_fits(View{v.p + dot + 1, v.n - dot - 1}, sub, 0xfffffffe);
}

enum Key : u8 {
    kDom,
    kVcpu,
    kOn,
    kAfter,
    kRip,
    kCr2,
    kError,
    kPort,
    kDelay,
    kHc,
    kErrno,
    kRing,
    kHeader,
    kSlot,
    kSlots,
    kOffset,
    kSize,
    kValue,
    kReason,
    kNrKeys
};
constexpr const char* kKeyNames[kNrKeys] = {
    "dom",   "vcpu", "on",     "after", "rip",   "cr2",    "error", "port",  "delay",  "hc",
    "errno", "ring", "header", "slot",  "slots", "offset", "size",  "value", "reason",
};

// Keys each kind takes beyond the common ones (dom vcpu on after rip).
bool key_applies(Kind k, Key key) {
    switch (key) {
    case kDom:
    case kVcpu:
    case kOn:
    case kAfter:
    case kRip:
        return true;
    case kCr2:
        return k == Kind::PageFault;
    case kError:
        return k == Kind::PageFault || k == Kind::GeneralProtection;
    case kPort:
        return k == Kind::EventRaise || k == Kind::EventDrop || k == Kind::EventDelay ||
               k == Kind::RingCorrupt || k == Kind::RingReorder;
    case kDelay:
        return k == Kind::EventDelay;
    case kHc:
    case kErrno:
        return k == Kind::HypercallFail;
    case kRing:
    case kHeader:
    case kSlot:
    case kSlots:
        return k == Kind::RingCorrupt || k == Kind::RingReorder;
    case kOffset:
    case kSize:
    case kValue:
        return k == Kind::RingCorrupt;
    case kReason:
        return k == Kind::Crash;
    default:
        return false;
    }
}

const char* set_key(Key key, View v, Spec& s) {
    switch (key) {
    case kDom:
        return hex_fits(v, s.domain, 0x7fef) ? nullptr : "dom: a domain id (hex, < 7ff0)";
    case kVcpu:
        return hex_fits(v, s.vcpu, 0xfffe) ? nullptr : "vcpu: a vCPU number (hex)";
    case kOn:
        if (v.is("pf")) {
            s.trigger = Trigger::PageFault;
            return nullptr;
        }
        s.trigger = Trigger::Hypercall;
        return call(v, s.on_hypercall, s.on_subop) ? nullptr : "on: 'pf' or NR[.SUB] (hex)";
    case kAfter:
        return hex_fits(v, s.count, 0xffffffff) ? nullptr : "after: a count (hex)";
    case kRip:
        s.trigger = Trigger::Rip;
        return hex(v, s.rip) ? nullptr : "rip: an address (hex)";
    case kCr2:
        return hex(v, s.cr2) ? nullptr : "cr2: an address (hex)";
    case kError:
        return hex_fits(v, s.error_code, 0xffffffff) ? nullptr : "error: a 32-bit error code";
    case kPort:
        return hex_fits(v, s.port, 0xffffffff) ? nullptr : "port: an event channel port (hex)";
    case kDelay:
        return hex(v, s.delay_ns) ? nullptr : "delay: nanoseconds (hex)";
    case kHc:
        return call(v, s.hypercall, s.subop) ? nullptr : "hc: NR[.SUB] (hex)";
    case kErrno:
        return hex_fits(v, s.error, 0xffffffff) ? nullptr : "errno: a Xen errno (hex)";
    case kRing:
        return hex_fits(v, s.ring.gref, 0xffffffff) ? nullptr : "ring: a grant reference";
    case kHeader:
        return hex_fits(v, s.ring.header, 0xffff) ? nullptr : "header: bytes (hex)";
    case kSlot:
        return hex_fits(v, s.ring.slot_size, 0xffff) ? nullptr : "slot: bytes (hex)";
    case kSlots:
        return hex_fits(v, s.ring.slots, 0xffff) ? nullptr : "slots: a count (hex)";
    case kOffset:
        return hex_fits(v, s.ring.field_offset, 0xffff) ? nullptr : "offset: bytes (hex)";
    case kSize:
        return hex_fits(v, s.ring.field_size, 8) ? nullptr : "size: 1, 2, 4 or 8";
    case kValue:
        return hex(v, s.ring.value) ? nullptr : "value: a number (hex)";
    case kReason:
        if (v.n == 0 || v.n >= kReasonMax) return "reason: 1-63 characters";
        for (usize i = 0; i < v.n; i++) {
            if (v.p[i] == '|' || v.p[i] < ' ' || v.p[i] > '~') return "reason: printable, no '|'";
            s.reason[i] = v.p[i];
        }
        s.reason[v.n] = 0;
        return nullptr;
    default:
        return "unknown key";
    }
}

class Out {
  public:
    Out(char* p, usize cap) : p_(p), cap_(cap) {}
    void put(char c) {
        if (len_ + 1 < cap_) p_[len_] = c;
        len_++;
    }
    void put(const char* s) {
        while (*s)
            put(*s++);
    }
    void hex(u64 v) {
        char d[16];
        int n = 0;
        do {
            d[n++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v);
        while (n)
            put(d[--n]);
    }
    void key(const char* k, u64 v) {
        put(';');
        put(k);
        put('=');
        hex(v);
    }
    void call(const char* k, u32 nr, u32 sub) {
        key(k, nr);
        if (sub != kAnySubop) {
            put('.');
            hex(sub);
        }
    }
    usize finish() {
        if (cap_) p_[len_ < cap_ ? len_ : cap_ - 1] = 0;
        return len_;
    }

  private:
    char* p_;
    usize cap_;
    usize len_ = 0;
};

} // namespace

bool key_applies(Kind k, const char* key, usize len) {
    View name{key, len};
    for (unsigned i = 0; i < kNrKeys; i++)
        if (name.is(kKeyNames[i])) return key_applies(k, static_cast<Key>(i));
    return false;
}

const char* parse_spec(const char* text, usize len, Spec& out) {
    Spec s;
    usize pos = 0;
    while (pos < len && text[pos] != ';')
        pos++;
    if (!kind_from_name(text, pos, s.kind)) return "unknown kind";
    bool seen[kNrKeys] = {};
    while (pos < len) {
        pos++; // ';'
        usize start = pos;
        while (pos < len && text[pos] != ';')
            pos++;
        View item{text + start, pos - start};
        usize eq = 0;
        while (eq < item.n && item.p[eq] != '=')
            eq++;
        if (eq == item.n) return "expected key=value";
        View name{item.p, eq};
        View value{item.p + eq + 1, item.n - eq - 1};
        unsigned k = 0;
        while (k < kNrKeys && !name.is(kKeyNames[k]))
            k++;
        if (k == kNrKeys) return "unknown key";
        Key key = static_cast<Key>(k);
        if (seen[k]) return "key given twice";
        seen[k] = true;
        if (!key_applies(s.kind, key)) return "key does not apply to this kind";
        if (const char* why = set_key(key, value, s)) return why;
    }
    if (!seen[kDom]) return "needs dom";
    if (seen[kAfter] && s.trigger != Trigger::Hypercall) return "after needs on=NR[.SUB]";
    unsigned triggers = (seen[kOn] ? 1 : 0) + (seen[kRip] ? 1 : 0);
    if (triggers > 1) return "one trigger at most (on= or rip=)";
    if (s.kind == Kind::HypercallFail && !seen[kHc]) return "needs hc";
    if (const char* why = spec_problem(s)) return why;
    out = s;
    return nullptr;
}

usize format_spec(const Spec& s, char* buf, usize cap) {
    Out o(buf, cap);
    o.put(kind_name(s.kind));
    o.key("dom", s.domain);
    if (s.vcpu != kAnyVcpu) o.key("vcpu", s.vcpu);
    switch (s.trigger) {
    case Trigger::Hypercall:
        o.call("on", s.on_hypercall, s.on_subop);
        if (s.count != 1) o.key("after", s.count);
        break;
    case Trigger::Rip:
        o.key("rip", s.rip);
        break;
    case Trigger::PageFault:
        o.put(";on=pf");
        break;
    case Trigger::Now:
        break;
    }
    switch (s.kind) {
    case Kind::PageFault:
        o.key("cr2", s.cr2);
        o.key("error", s.error_code);
        break;
    case Kind::GeneralProtection:
        o.key("error", s.error_code);
        break;
    case Kind::EventDelay:
        o.key("port", s.port);
        o.key("delay", s.delay_ns);
        break;
    case Kind::EventRaise:
    case Kind::EventDrop:
        o.key("port", s.port);
        break;
    case Kind::HypercallFail:
        o.call("hc", s.hypercall, s.subop);
        o.key("errno", s.error);
        break;
    case Kind::RingCorrupt:
    case Kind::RingReorder:
        o.key("port", s.port);
        o.key("ring", s.ring.gref);
        o.key("header", s.ring.header);
        o.key("slot", s.ring.slot_size);
        o.key("slots", s.ring.slots);
        if (s.kind == Kind::RingCorrupt) {
            o.key("offset", s.ring.field_offset);
            o.key("size", s.ring.field_size);
            o.key("value", s.ring.value);
        }
        break;
    case Kind::Crash:
        o.put(";reason=");
        o.put(s.reason);
        break;
    default:
        break;
    }
    return o.finish();
}

const char* state_name(u8 state) {
    switch (static_cast<State>(state)) {
    case State::Free:
        return "free";
    case State::Armed:
        return "armed";
    case State::Active:
        return "active";
    case State::Holding:
        return "holding";
    case State::Done:
        return "done";
    case State::Cancelled:
        return "cancelled";
    }
    return "?";
}

usize format_entry(const Injection& i, char* buf, usize cap) {
    Out o(buf, cap);
    o.hex(i.id);
    o.put(',');
    o.put(state_name(static_cast<u8>(i.state)));
    o.put(',');
    o.put(effect_name(i.effect));
    o.put(',');
    o.hex(i.detail);
    o.put(':');
    usize head = o.finish();
    if (head >= cap) return head + format_spec(i.spec, nullptr, 0);
    return head + format_spec(i.spec, buf + head, cap - head);
}

} // namespace inject
