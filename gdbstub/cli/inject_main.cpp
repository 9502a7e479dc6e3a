#include "gdbstub/cli/inject_main.hpp"

#include "gdbstub/cli/ctl_main.hpp"
#include "gdbstub/client/client.hpp"
#include "hv/abi/errno.hpp"
#include "hv/core/inject/spec_text.hpp"
#include "traces/names.hpp"

#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace glass::inject_cli {

namespace {

constexpr const char* kUsage =
    "usage: glass inject [--connect HOST:PORT] KIND key=value...   arm an injection\n"
    "       glass inject [--connect HOST:PORT] list | cancel ID\n"
    "kinds: pf gp ud db nmi evtchn-raise evtchn-drop evtchn-delay hypercall-fail\n"
    "       ring-corrupt ring-reorder memory-refuse crash\n"
    "target:  dom=N [vcpu=N]\n"
    "trigger: (none: now) | on=HYPERCALL[.SUBOP] [after=N] | on=pf | rip=ADDR\n"
    "pf: cr2=ADDR error=CODE   gp: error=CODE   evtchn-*: port=P   evtchn-delay: delay=50ms\n"
    "hypercall-fail: hc=HYPERCALL[.SUBOP] errno=NAME|N (e.g. hc=memory_op.increase_reservation "
    "errno=ENOMEM)\n"
    "ring-*: port=P ring=GREF layout=blk (or header= slot= slots=); ring-corrupt: field=status|id "
    "value=V (or offset= size=)\n"
    "crash: reason=TEXT (the rest of the line)\n"
    "Numbers are decimal or 0x hex.\n";

// Sub-operations by name, for the families tests and examples use.
struct SubopName {
    unsigned hc;
    const char* name;
    unsigned value;
};
constexpr SubopName kSubops[] = {
    {12, "increase_reservation", 0},
    {12, "decrease_reservation", 1},
    {12, "current_reservation", 3},
    {12, "maximum_reservation", 4},
    {12, "populate_physmap", 6},
    {12, "exchange", 11},
    {17, "version", 0},
    {17, "extraversion", 1},
    {29, "yield", 0},
    {29, "block", 1},
    {29, "shutdown", 2},
    {29, "poll", 3},
    {32, "bind_interdomain", 0},
    {32, "bind_virq", 1},
    {32, "close", 3},
    {32, "send", 4},
    {32, "status", 5},
    {32, "alloc_unbound", 6},
    {32, "unmask", 9},
    {20, "map_grant_ref", 0},
    {20, "unmap_grant_ref", 1},
    {20, "setup_table", 2},
};

std::string hex(unsigned long long v) {
    std::ostringstream s;
    s << std::hex << v;
    return s.str();
}

std::optional<unsigned long long> number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    bool neg = s[0] == '-';
    unsigned long long v = std::strtoull(s.c_str() + (neg ? 1 : 0), &end, 0);
    if (*end) return std::nullopt;
    return neg ? static_cast<unsigned long long>(-static_cast<long long>(v)) : v;
}

std::optional<unsigned> hypercall_number(const std::string& s) {
    if (auto n = number(s)) return static_cast<unsigned>(*n);
    for (unsigned nr = 0; nr < 64; nr++)
        if (glass::trace::hypercall_name(nr) == s) return nr;
    return std::nullopt;
}

// HYPERCALL[.SUBOP] -> "NR[.SUB]" in hex.
std::optional<std::string> call(const std::string& s, std::string& error) {
    std::string hc = s.substr(0, s.find('.'));
    auto nr = hypercall_number(hc);
    if (!nr) {
        error = "unknown hypercall '" + hc + "'";
        return std::nullopt;
    }
    std::string out = hex(*nr);
    if (s.find('.') == std::string::npos) return out;
    std::string sub = s.substr(s.find('.') + 1);
    if (auto n = number(sub)) return out + "." + hex(*n);
    for (const SubopName& n : kSubops)
        if (n.hc == *nr && sub == n.name) return out + "." + hex(n.value);
    error = "unknown sub-op '" + sub + "' of " + hc + " (give its number)";
    return std::nullopt;
}

std::optional<unsigned> errno_number(const std::string& s) {
    if (auto n = number(s)) return static_cast<unsigned>(*n);
    std::string name = s.rfind("XEN_", 0) == 0 ? s.substr(4) : s;
    for (int e = 1; e <= 200; e++)
        if (name == xen_errno_name(static_cast<XenErrno>(e)) ||
            "XEN_" + name == xen_errno_name(static_cast<XenErrno>(e)))
            return static_cast<unsigned>(e);
    return std::nullopt;
}

// "50ms", "2s", "100us", "1500ns" or a bare number of ns.
std::optional<unsigned long long> duration_ns(const std::string& s) {
    struct Unit {
        const char* suffix;
        unsigned long long ns;
    };
    constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
    for (const Unit& u : kUnits) {
        std::string suf = u.suffix;
        if (s.size() > suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
            auto n = number(s.substr(0, s.size() - suf.size()));
            if (n) return *n * u.ns;
        }
    }
    return number(s);
}

int report(std::ostream& err, const gdb::client::ClientError& e) {
    err << "glass inject: " << gdb::client::describe(e) << "\n";
    return 1;
}

} // namespace

Translated translate(const std::string& kind, const std::vector<std::string>& words) {
    Translated t;
    std::string spec = kind;
    auto add = [&](const std::string& k, const std::string& v) { spec += ";" + k + "=" + v; };
    for (size_t i = 0; i < words.size(); i++) {
        const std::string& w = words[i];
        size_t eq = w.find('=');
        if (eq == std::string::npos || eq == 0) {
            t.error = "'" + w + "' is not key=value";
            return t;
        }
        std::string key = w.substr(0, eq), value = w.substr(eq + 1);
        if (key == "reason") {
            for (size_t k = i + 1; k < words.size(); k++)
                value += " " + words[k];
            add(key, value);
            break;
        }
        if (key == "on" || key == "hc") {
            if (key == "on" && value == "pf") {
                add(key, value);
                continue;
            }
            auto c = call(value, t.error);
            if (!c) return t;
            add(key, *c);
        } else if (key == "errno") {
            auto e = errno_number(value);
            if (!e) {
                t.error = "unknown errno '" + value + "' (ENOMEM, EINVAL, ... or a number)";
                return t;
            }
            add(key, hex(*e));
        } else if (key == "delay") {
            auto d = duration_ns(value);
            if (!d) {
                t.error = "delay '" + value + "' is not a duration (50ms, 2s, 100us)";
                return t;
            }
            add(key, hex(*d));
        } else if (key == "layout") {
            if (value != "blk") {
                t.error = "unknown ring layout '" + value + "' (blk)";
                return t;
            }
            // guest/blk/protocol.hpp: 64-byte header, 32 slots of 112 bytes.
            add("header", "40");
            add("slot", "70");
            add("slots", "20");
        } else if (key == "field") {
            // blkif response: id (u64 at 0), status (i16 at 10).
            if (value == "status") {
                add("offset", "a");
                add("size", "2");
            } else if (value == "id") {
                add("offset", "0");
                add("size", "8");
            } else {
                t.error = "unknown field '" + value + "' (status, id)";
                return t;
            }
        } else {
            auto n = number(value);
            if (!n) {
                t.error = key + "='" + value + "' is not a number";
                return t;
            }
            unsigned long long v = *n;
            if (key == "value" && value[0] == '-') {
                // Negative values fill the field width the layout chose.
                v &= spec.find("size=2") != std::string::npos   ? 0xffffull
                     : spec.find("size=4") != std::string::npos ? 0xffffffffull
                     : spec.find("size=1") != std::string::npos ? 0xffull
                                                                : ~0ull;
            }
            add(key, hex(v));
        }
    }
    ::inject::Spec s;
    if (const char* why = ::inject::parse_spec(spec.data(), spec.size(), s)) {
        t.error = std::string(why) + " (spec '" + spec + "')";
        return t;
    }
    t.spec = spec;
    return t;
}

int run(const std::vector<std::string>& args_in, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args;
    std::string connect = glass::ctl::default_endpoint();
    for (size_t i = 0; i < args_in.size(); i++) {
        if (args_in[i] == "--connect" && i + 1 < args_in.size()) {
            connect = args_in[++i];
        } else if (args_in[i] == "--help" || args_in[i] == "-h") {
            out << kUsage;
            return 0;
        } else {
            args.push_back(args_in[i]);
        }
    }
    if (args.empty()) {
        err << kUsage;
        return 2;
    }
    const std::string& cmd = args[0];
    Translated t;
    u32 cancel_id = 0;
    if (cmd == "cancel") {
        auto n = args.size() == 2 ? number(args[1]) : std::nullopt;
        if (!n || *n > 0xffffffff) {
            err << "glass inject: cancel takes one injection id\n";
            return 2;
        }
        cancel_id = static_cast<u32>(*n);
    } else if (cmd != "list") {
        ::inject::Kind k;
        if (!::inject::kind_from_name(cmd.data(), cmd.size(), k)) {
            err << "glass inject: unknown kind or command '" << cmd << "'\n" << kUsage;
            return 2;
        }
        t = translate(cmd, std::vector<std::string>(args.begin() + 1, args.end()));
        if (!t.error.empty()) {
            err << "glass inject: " << t.error << "\n";
            return 2;
        }
    }
    auto at = gdb::client::parse_endpoint(connect);
    if (!at) {
        err << "glass inject: --connect " << gdb::client::describe(at.error()) << "\n";
        return 2;
    }
    auto client = gdb::client::Client::connect(*at);
    if (!client) return report(err, client.error());
    if (cmd == "list") {
        auto l = client->injections();
        if (!l) return report(err, l.error());
        out << "ID  STATE      EFFECT           DETAIL              SPEC\n";
        for (const auto& e : *l)
            out << std::left << std::setw(4) << e.id << std::setw(11) << e.state << std::setw(17)
                << e.effect << "0x" << std::setw(18) << std::hex << e.detail << std::dec << e.spec
                << "\n";
        return 0;
    }
    if (cmd == "cancel") {
        auto s = client->uninject(cancel_id);
        if (!s) return report(err, s.error());
        out << "injection " << cancel_id << " cancelled\n";
        return 0;
    }
    auto id = client->inject(t.spec);
    if (!id) return report(err, id.error());
    out << "injection " << *id << " armed: " << t.spec << "\n";
    return 0;
}

} // namespace glass::inject_cli

int glass_inject_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return glass::inject_cli::run(args, std::cout, std::cerr);
}
