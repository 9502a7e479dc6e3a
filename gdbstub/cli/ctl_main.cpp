#include "gdbstub/cli/ctl_main.hpp"

#include "gdbstub/client/client.hpp"

#include <cstdlib>
#include <iomanip>
#include <iostream>

namespace glass::ctl {

namespace {

using gdb::client::Client;

constexpr const char* kUsage =
    "usage: glass ctl [--connect HOST:PORT] COMMAND\n"
    "  domains           list domains (id, vCPUs, state, memory)\n"
    "  pause DOMID       pause a domain (stays paused after glass exits)\n"
    "  unpause DOMID     release a pause made through the control port\n"
    "  layout            hypervisor address ranges\n"
    "  version           the stub's protocol version\n"
    "  raw PACKET        send one packet body, print the reply as is\n"
    "--connect defaults to $GLASSHOUSE_CONTROL or 127.0.0.1:1235 (QEMU's socket for\n"
    "COM3; tests/boot/glasshouse_qemu.py --control-port PORT sets it up).\n";

const char* state_name(gdb::DomainState s) {
    switch (s) {
    case gdb::DomainState::Running:
        return "running";
    case gdb::DomainState::Paused:
        return "paused";
    case gdb::DomainState::Stopped:
        return "stopped";
    case gdb::DomainState::Crashed:
        return "crashed";
    case gdb::DomainState::Dying:
        return "dying";
    }
    return "?";
}

bool parse_domid(const std::string& s, u16& out) {
    char* end = nullptr;
    unsigned long v = std::strtoul(s.c_str(), &end, 0);
    if (s.empty() || *end || v > 0x7fef) return false;
    out = static_cast<u16>(v);
    return true;
}

int report(std::ostream& err, const gdb::client::ClientError& e) {
    err << "glass ctl: " << gdb::client::describe(e) << "\n";
    return 1;
}

int domains(Client& c, std::ostream& out, std::ostream& err) {
    auto d = c.domains();
    if (!d) return report(err, d.error());
    out << "ID  VCPUS  STATE    MEMORY\n";
    for (const gdb::DomainInfo& i : *d)
        out << std::left << std::setw(4) << i.id << std::setw(7) << i.vcpus << std::setw(9)
            << state_name(i.state) << i.memory_kib / 1024 << " MiB\n";
    return 0;
}

} // namespace

std::string default_endpoint() {
    const char* env = std::getenv("GLASSHOUSE_CONTROL");
    return env && *env ? env : "127.0.0.1:1235";
}

int run(const std::vector<std::string>& args_in, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args;
    std::string connect = default_endpoint();
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
    struct Shape {
        const char* name;
        size_t nargs;
    };
    constexpr Shape kShapes[] = {{"domains", 0}, {"pause", 1},   {"unpause", 1},
                                 {"layout", 0},  {"version", 0}, {"raw", 1}};
    const Shape* shape = nullptr;
    for (const Shape& s : kShapes)
        if (cmd == s.name) shape = &s;
    if (!shape) {
        err << "glass ctl: unknown command '" << cmd << "'\n" << kUsage;
        return 2;
    }
    if (args.size() != shape->nargs + 1) {
        err << "glass ctl: " << cmd << " takes " << shape->nargs << " argument(s)\n" << kUsage;
        return 2;
    }
    u16 dom = 0;
    if ((cmd == "pause" || cmd == "unpause") && !parse_domid(args[1], dom)) {
        err << "glass ctl: '" << args[1] << "' is not a domain id\n";
        return 2;
    }
    auto at = gdb::client::parse_endpoint(connect);
    if (!at) {
        err << "glass ctl: --connect " << gdb::client::describe(at.error()) << "\n";
        return 2;
    }
    auto client = Client::connect(*at);
    if (!client) return report(err, client.error());
    Client& c = *client;

    if (cmd == "domains") return domains(c, out, err);
    if (cmd == "pause" || cmd == "unpause") {
        auto s = cmd == "pause" ? c.pause(dom) : c.unpause(dom);
        if (!s) return report(err, s.error());
        out << "domain " << dom << (cmd == "pause" ? " paused\n" : " unpaused\n");
        return 0;
    }
    if (cmd == "layout") {
        auto l = c.layout();
        if (!l) return report(err, l.error());
        for (const auto& r : *l)
            out << std::left << std::setw(12) << r.name << std::hex << "0x" << r.start << "-0x"
                << r.end << std::dec << "\n";
        return 0;
    }
    auto r = cmd == "version" ? c.version() : c.raw(args[1]);
    if (!r) return report(err, r.error());
    out << *r << "\n";
    return 0;
}

} // namespace glass::ctl

int glass_ctl_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return glass::ctl::run(args, std::cout, std::cerr);
}
