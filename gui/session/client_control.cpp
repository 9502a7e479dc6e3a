#include "gui/session/client_control.hpp"

#include "gdbstub/registers.hpp"
#include "gdbstub/thread_id.hpp"

#include <cstdio>

namespace glass::gui {

namespace {

template <class T>
Outcome<T> fail(const gdb::client::ClientError& e) {
    return Outcome<T>::failure(gdb::client::describe(e));
}

Outcome<Done> status(const gdb::client::Status& s) {
    if (!s) return fail<Done>(s.error());
    return Done{};
}

std::string hex(u64 v) {
    char b[24];
    std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
    return b;
}

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

ClientControl::ClientControl(gdb::client::Client c) : client_(std::move(c)) {}

Outcome<std::unique_ptr<ClientControl>> ClientControl::connect(const std::string& host_port) {
    using R = Outcome<std::unique_ptr<ClientControl>>;
    auto at = gdb::client::parse_endpoint(host_port);
    if (!at) return R::failure(gdb::client::describe(at.error()));
    gdb::client::ClientOptions opts;
    opts.connect_timeout = std::chrono::milliseconds(1000);
    opts.timeout = std::chrono::milliseconds(3000);
    auto c = gdb::client::Client::connect(*at, opts);
    if (!c) return R::failure(gdb::client::describe(c.error()));
    // A connection attempt made while the hypervisor was still booting may
    // have left packets in the UART that the stub answers only now; each
    // such late empty reply would be taken for the answer to our next
    // request. Ask for the version until the answer is the version.
    std::string last;
    for (int i = 0; i < 4; i++) {
        auto v = c->version();
        if (!v) {
            last = gdb::client::describe(v.error());
            continue;
        }
        // Stop replies then say when a stop was a breakpoint (step() needs
        // to tell a queued breakpoint hit from its own step).
        auto f = c->query("qSupported:swbreak+;hwbreak+");
        if (!f) return R::failure("qSupported: " + gdb::client::describe(f.error()));
        return std::make_unique<ClientControl>(std::move(*c));
    }
    return R::failure("no answer to qGlasshouse.version: " + last);
}

std::string ClientControl::describe() const {
    return "control channel " + client_.endpoint().host + ":" +
           std::to_string(client_.endpoint().port);
}

Outcome<Done> ClientControl::pause(u16 domid) {
    std::lock_guard<std::mutex> hold(lock_);
    return status(client_.pause(domid));
}
Outcome<Done> ClientControl::unpause(u16 domid) {
    std::lock_guard<std::mutex> hold(lock_);
    return status(client_.unpause(domid));
}

// There is no destroy packet: attach to the domain and kill it, which the
// hypervisor turns into a poweroff shutdown (PROTOCOL.md, "kill"); domain
// 0's toolstack then destroys it as it does any domU that exits.
Outcome<Done> ClientControl::destroy(u16 domid) {
    std::lock_guard<std::mutex> hold(lock_);
    auto a = client_.command("qGlasshouse.attach:" + hex(domid));
    if (!a) return fail<Done>(a.error());
    auto k = client_.raw("vKill;1");
    if (!k) return fail<Done>(k.error());
    if (*k != "OK" && !k->empty() && (*k)[0] != 'X' && (*k)[0] != 'W')
        return Outcome<Done>::failure("vKill answered '" + *k + "'");
    return Done{};
}

Outcome<Done> ClientControl::select_thread(u16 domid, u32 vcpu) {
    u64 tid = gdb::thread_id({domid, static_cast<u16>(vcpu)});
    return status(client_.command("Hg" + hex(tid)));
}

Outcome<std::vector<std::pair<std::string, u64>>> parse_register_reply(const std::string& hex) {
    using R = Outcome<std::vector<std::pair<std::string, u64>>>;
    std::vector<std::pair<std::string, u64>> out;
    size_t pos = 0;
    for (unsigned r = 0; r < gdb::kRegCount; r++) {
        size_t chars = gdb::reg_size(r) * 2;
        if (pos + chars > hex.size())
            return R::failure("register reply too short at " + std::string(gdb::reg_info(r).name));
        std::string_view field(hex.data() + pos, chars);
        pos += chars;
        if (chars > 16 || field.find('x') != std::string_view::npos) continue;
        u64 v = 0;
        for (size_t i = 0; i < chars; i += 2) { // little-endian bytes
            int hi = nibble(field[i]), lo = nibble(field[i + 1]);
            if (hi < 0 || lo < 0) return R::failure("register reply has a non-hex digit");
            v |= static_cast<u64>(hi << 4 | lo) << (4 * i);
        }
        out.emplace_back(gdb::reg_info(r).name, v);
    }
    return out;
}

Outcome<std::vector<std::pair<std::string, u64>>> ClientControl::registers(u16 domid, u32 vcpu) {
    std::lock_guard<std::mutex> hold(lock_);
    return registers_locked(domid, vcpu);
}

Outcome<std::vector<std::pair<std::string, u64>>> ClientControl::registers_locked(u16 domid,
                                                                                  u32 vcpu) {
    using R = Outcome<std::vector<std::pair<std::string, u64>>>;
    auto sel = select_thread(domid, vcpu);
    if (!sel.ok()) return R::failure(sel.error());
    auto g = client_.query("g");
    if (!g) return fail<std::vector<std::pair<std::string, u64>>>(g.error());
    return parse_register_reply(*g);
}

Outcome<std::vector<u8>> ClientControl::read_virtual(u16 domid, u32 vcpu, u64 va, u64 len) {
    std::lock_guard<std::mutex> hold(lock_);
    using R = Outcome<std::vector<u8>>;
    auto sel = select_thread(domid, vcpu);
    if (!sel.ok()) return R::failure(sel.error());
    std::vector<u8> out;
    while (out.size() < len) {
        u64 chunk = std::min<u64>(len - out.size(), 1024);
        auto m = client_.query("m" + hex(va + out.size()) + "," + hex(chunk));
        if (!m) {
            if (!out.empty()) break; // a short read: what was mapped
            return fail<std::vector<u8>>(m.error());
        }
        if (m->size() % 2) return R::failure("memory reply has an odd length");
        for (size_t i = 0; i + 1 < m->size(); i += 2) {
            int hi = nibble((*m)[i]), lo = nibble((*m)[i + 1]);
            if (hi < 0 || lo < 0) return R::failure("memory reply has a non-hex digit");
            out.push_back(static_cast<u8>(hi << 4 | lo));
        }
        if (m->size() / 2 < chunk) break;
    }
    return out;
}

Outcome<Done> ClientControl::set_breakpoint(u16 domid, u64 va, bool on) {
    std::lock_guard<std::mutex> hold(lock_);
    auto sel = select_thread(domid, 0);
    if (!sel.ok()) return sel;
    auto r = status(client_.command(std::string(on ? "Z0," : "z0,") + hex(va) + ",1"));
    if (r.ok()) {
        if (on)
            breakpoints_[domid].insert(va);
        else
            breakpoints_[domid].erase(va);
    }
    return r;
}

// The reply to a step is a stop reply once the vCPU has stepped (query()
// would set it aside as asynchronous), so raw(). A vCPU stopped on one of
// our breakpoints would only hit its int3 again: like gdb, lift it for the
// step and plant it again after.
Outcome<Done> ClientControl::step(u16 domid, u32 vcpu) {
    std::lock_guard<std::mutex> hold(lock_);
    std::optional<u64> lifted;
    auto bps = breakpoints_.find(domid);
    if (bps != breakpoints_.end() && !bps->second.empty()) {
        auto regs = registers_locked(domid, vcpu);
        if (!regs.ok()) return Outcome<Done>::failure(regs.error());
        for (const auto& [name, value] : *regs)
            if (name == "rip" && bps->second.count(value)) lifted = value;
    }
    if (lifted) {
        auto off = status(client_.command("z0," + hex(*lifted) + ",1"));
        if (!off.ok()) return off;
    }
    u64 tid = gdb::thread_id({domid, static_cast<u16>(vcpu)});
    auto r = client_.raw("vCont;s:" + hex(tid));
    // A breakpoint the domain hit while no request was waiting is queued
    // and reported before it runs again: that first reply is the hit, not
    // the step (the hypervisor did not run it), so step once more.
    if (r && gdb::client::is_stop_reply(*r) &&
        (r->find("swbreak:") != std::string::npos || r->find("hwbreak:") != std::string::npos))
        r = client_.raw("vCont;s:" + hex(tid));
    Outcome<Done> stepped = Done{};
    if (!r)
        stepped = fail<Done>(r.error());
    else if (!gdb::client::is_stop_reply(*r))
        stepped = Outcome<Done>::failure("step answered '" + *r + "'");
    if (lifted) {
        auto sel = select_thread(domid, 0);
        auto on = sel.ok() ? status(client_.command("Z0," + hex(*lifted) + ",1")) : sel;
        if (!on.ok() && stepped.ok())
            return Outcome<Done>::failure("stepped, but the breakpoint at " + hex(*lifted) +
                                          " could not be planted again: " + on.error());
    }
    return stepped;
}

// gdb's continue answers only at the next stop, which may never come; the
// hypervisor's unpause releases a domain the debugger stopped (at a
// breakpoint or after a step), so that is the resume.
Outcome<Done> ClientControl::resume(u16 domid) {
    std::lock_guard<std::mutex> hold(lock_);
    auto u = client_.unpause(domid);
    if (!u) return fail<Done>(u.error());
    return Done{};
}

Outcome<u32> ClientControl::inject(const std::string& spec) {
    std::lock_guard<std::mutex> hold(lock_);
    auto id = client_.inject(spec);
    if (!id) return fail<u32>(id.error());
    return *id;
}

Outcome<std::vector<Injection>> ClientControl::injections() {
    std::lock_guard<std::mutex> hold(lock_);
    auto l = client_.injections();
    if (!l) return fail<std::vector<Injection>>(l.error());
    std::vector<Injection> out;
    out.reserve(l->size());
    for (auto& e : *l)
        out.push_back(
            Injection{e.id, std::move(e.state), std::move(e.effect), e.detail, std::move(e.spec)});
    return out;
}

Outcome<Done> ClientControl::uninject(u32 id) {
    std::lock_guard<std::mutex> hold(lock_);
    return status(client_.uninject(id));
}

} // namespace glass::gui
