#include "gdbstub/client/client.hpp"

#include "gdbstub/glasshouse_format.hpp"
#include "gdbstub/hex.hpp"
#include "gdbstub/packet_encoder.hpp"
#include "gdbstub/writer.hpp"

namespace gdb::client {

namespace {

// Hex number of a whole field; false for anything else.
bool hex_field(std::string_view s, u64& out) {
    Cursor c(s.data(), s.size());
    return c.hex_u64(out) == ParseError::Ok && c.at_end();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    if (s.empty()) return out;
    for (;;) {
        usize at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        s.remove_prefix(at + 1);
    }
}

bool two_hex(std::string_view s) {
    return s.size() >= 2 && hex_value(s[0]) >= 0 && hex_value(s[1]) >= 0;
}

ClientError bad_reply(std::string_view what, std::string_view reply) {
    return ClientError{ErrorKind::BadReply, 0,
                       std::string(what) + ": '" + std::string(reply.substr(0, 80)) + "'", ""};
}

} // namespace

const char* kind_name(ErrorKind k) {
    switch (k) {
    case ErrorKind::CannotConnect:
        return "cannot connect";
    case ErrorKind::Timeout:
        return "timeout";
    case ErrorKind::Disconnected:
        return "disconnected";
    case ErrorKind::ErrorReply:
        return "error reply";
    case ErrorKind::NotSupported:
        return "not supported";
    case ErrorKind::BadReply:
        return "bad reply";
    case ErrorKind::BadArgument:
        return "bad argument";
    }
    return "error";
}

std::string describe(const ClientError& e) {
    std::string s = e.request.empty() ? "" : e.request + ": ";
    return s + e.message;
}

Result<Endpoint> parse_endpoint(std::string_view text) {
    Endpoint ep;
    usize colon = text.rfind(':');
    std::string_view port = text;
    if (colon != std::string_view::npos) {
        ep.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
        if (ep.host.empty()) ep.host = "127.0.0.1";
    }
    unsigned long v = 0;
    bool digits = !port.empty() && port.size() <= 5;
    for (char c : port) {
        if (c < '0' || c > '9') digits = false;
        v = v * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!digits || v == 0 || v > 65535)
        return ClientError{ErrorKind::BadArgument, 0,
                           "'" + std::string(text) + "' is not HOST:PORT or PORT (1-65535)", ""};
    ep.port = static_cast<u16>(v);
    return ep;
}

bool parse_error_reply(std::string_view reply, u8& code, std::string& text) {
    if (reply.size() >= 2 && reply[0] == 'E' && reply[1] == '.') {
        code = 0;
        text = std::string(reply.substr(2));
        return true;
    }
    if (reply.size() != 3 || reply[0] != 'E' || !two_hex(reply.substr(1))) return false;
    code = static_cast<u8>(hex_value(reply[1]) << 4 | hex_value(reply[2]));
    text = error_text(static_cast<Error>(code));
    return true;
}

bool is_stop_reply(std::string_view r) {
    if (r.empty() || !two_hex(r.substr(1))) return false;
    if (r[0] == 'T') return r.size() > 3;
    return (r[0] == 'S' || r[0] == 'W' || r[0] == 'X') && r.size() == 3;
}

Result<std::vector<gdb::DomainInfo>> parse_domains(std::string_view reply) {
    std::vector<gdb::DomainInfo> out;
    for (std::string_view item : split(reply, ';')) {
        auto f = split(item, ',');
        u64 id = 0, vcpus = 0, kib = 0;
        gdb::DomainInfo d;
        if (f.size() != 4 || !hex_field(f[0], id) || id > 0xffff || !hex_field(f[1], vcpus) ||
            vcpus > 0xffff || f[2].size() != 1 ||
            !gdb::domain_state_from_letter(f[2][0], d.state) || !hex_field(f[3], kib))
            return bad_reply("domain entry is not ID,VCPUS,STATE,MEMKIB", item);
        d.id = static_cast<u16>(id);
        d.vcpus = static_cast<u16>(vcpus);
        d.memory_kib = kib;
        out.push_back(d);
    }
    return out;
}

Result<std::vector<LayoutRegion>> parse_layout(std::string_view reply) {
    std::vector<LayoutRegion> out;
    for (std::string_view item : split(reply, ';')) {
        usize colon = item.find(':');
        LayoutRegion r;
        if (colon == 0 || colon == std::string_view::npos) return bad_reply("no NAME:", item);
        auto range = split(item.substr(colon + 1), ',');
        if (range.size() != 2 || !hex_field(range[0], r.start) || !hex_field(range[1], r.end) ||
            r.end < r.start)
            return bad_reply("layout entry is not NAME:START,END", item);
        r.name = std::string(item.substr(0, colon));
        out.push_back(std::move(r));
    }
    return out;
}

Client::Client(Transport t, const Endpoint& at, ClientOptions opts)
    : transport_(std::move(t)), at_(at), opts_(opts),
      reader_(std::make_unique<gdb::PacketReader>()) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

ClientError Client::fail(ErrorKind k, std::string_view request, std::string message) const {
    return ClientError{k, 0, std::move(message), std::string(request)};
}

Result<Client> Client::connect(const Endpoint& at, ClientOptions opts) {
    auto t = Transport::connect(at.host, at.port, opts.connect_timeout);
    if (!t) return t.error();
    Client c(std::move(*t), at, opts);
    // The empty packet: unknown to every stub, so answered with the empty
    // reply. Whatever an earlier client left half-sent is cut off by its
    // '$', which the stub answers with '-': that NAK is for the old packet,
    // so it must not make us send ours twice (two replies would follow).
    auto sent = c.send_packet("");
    auto sync = sent ? c.read_reply("", false) : Result<std::string>(sent.error());
    if (!sync) {
        ClientError e = sync.error();
        e.request.clear();
        if (e.kind == ErrorKind::Timeout)
            e.message = "connected to " + at.host + ":" + std::to_string(at.port) +
                        " but no GDB stub answers (is the hypervisor started with control=com3 "
                        "or gdb=com2, and no other client connected?)";
        return e;
    }
    return c;
}

Status Client::send_packet(std::string_view body) {
    if (body.size() > gdb::kMaxPacket)
        return fail(ErrorKind::BadArgument, body.substr(0, 40),
                    "packet of " + std::to_string(body.size()) + " bytes exceeds " +
                        std::to_string(gdb::kMaxPacket));
    for (char ch : body) {
        if (ch == '$' || ch == '#')
            return fail(ErrorKind::BadArgument, body.substr(0, 40),
                        "'$' and '#' must be escaped in a packet body");
    }
    last_frame_.resize(body.size() + gdb::kFrameOverhead);
    // No RLE on requests: a body is short and the stub expands either way.
    usize n = gdb::encode_packet(reinterpret_cast<const u8*>(body.data()), body.size(), false,
                                 reinterpret_cast<u8*>(last_frame_.data()), last_frame_.size());
    last_frame_.resize(n);
    return transport_.send(last_frame_.data(), last_frame_.size());
}

Result<std::string> Client::read_reply(std::string_view request, bool resend_on_nak) {
    static constexpr u8 kAck = '+';
    static constexpr u8 kNak = '-';
    auto deadline = Transport::Clock::now() + opts_.timeout;
    for (;;) {
        while (!inbox_.empty()) {
            u8 byte = static_cast<u8>(inbox_.front());
            inbox_.erase(0, 1);
            switch (reader_->feed(byte)) {
            case RxEvent::Packet:
                (void)transport_.send(&kAck, 1);
                return std::string(reader_->body(), reader_->size());
            case RxEvent::Nak: // the stub wants our request again
                if (resend_on_nak) {
                    auto s = transport_.send(last_frame_.data(), last_frame_.size());
                    if (!s) return s.error();
                }
                break;
            case RxEvent::BadChecksum:
            case RxEvent::Truncated:
                (void)transport_.send(&kNak, 1); // ask for the reply again
                break;
            case RxEvent::Oversized:
            case RxEvent::BadRunLength:
                return fail(ErrorKind::BadReply, request, "reply is not a valid packet");
            default:
                break;
            }
        }
        u8 buf[4096];
        auto got = transport_.receive(buf, sizeof buf, deadline);
        if (!got) {
            ClientError e = got.error();
            e.request = std::string(request);
            if (e.kind == ErrorKind::Timeout)
                e.message = "no reply within " + std::to_string(opts_.timeout.count()) + " ms";
            return e;
        }
        inbox_.append(reinterpret_cast<const char*>(buf), *got);
    }
}

Result<std::string> Client::raw(std::string_view body) {
    auto s = send_packet(body);
    if (!s) return s.error();
    return read_reply(body);
}

Result<std::string> Client::query(std::string_view body) {
    auto s = send_packet(body);
    if (!s) return s.error();
    for (;;) {
        auto r = read_reply(body);
        if (!r) return r;
        if (is_stop_reply(*r)) {
            stops_.push_back(*r);
            continue;
        }
        if (r->empty())
            return fail(ErrorKind::NotSupported, body, "the stub does not know this packet");
        u8 code = 0;
        std::string text;
        if (parse_error_reply(*r, code, text)) {
            ClientError e = fail(ErrorKind::ErrorReply, body, "");
            e.code = code;
            char num[3] = {hex_digit(code >> 4), hex_digit(code & 15), 0};
            e.message = code ? "error E" + std::string(num) + " (" + text + ")" : "error: " + text;
            return e;
        }
        return r;
    }
}

Status Client::command(std::string_view body) {
    auto r = query(body);
    if (!r) return r.error();
    if (*r != "OK") return bad_reply("expected OK", *r);
    return Done{};
}

Result<std::string> Client::version() {
    return query("qGlasshouse.version");
}

Result<std::vector<gdb::DomainInfo>> Client::domains() {
    auto r = query("qGlasshouse.domains");
    if (!r) return r.error();
    auto d = parse_domains(*r);
    if (!d) {
        ClientError e = d.error();
        e.request = "qGlasshouse.domains";
        return e;
    }
    return d;
}

namespace {
std::string with_hex(const char* prefix, u64 v) {
    char digits[16];
    return prefix + std::string(digits, gdb::format_hex(v, digits));
}
} // namespace

Status Client::pause(u16 domain) {
    return command(with_hex("qGlasshouse.pause:", domain));
}

Status Client::unpause(u16 domain) {
    return command(with_hex("qGlasshouse.unpause:", domain));
}

Result<std::vector<LayoutRegion>> Client::layout() {
    auto r = query("qGlasshouse.layout");
    if (!r) return r.error();
    auto l = parse_layout(*r);
    if (!l) {
        ClientError e = l.error();
        e.request = "qGlasshouse.layout";
        return e;
    }
    return l;
}

Result<std::vector<InjectionEntry>> parse_injections(std::string_view reply) {
    auto items = split(reply, '|');
    u64 count = 0;
    if (items.empty() || !hex_field(items[0], count) || count != items.size() - 1)
        return bad_reply("injection list does not start with its count", reply);
    std::vector<InjectionEntry> out;
    for (usize k = 1; k < items.size(); k++) {
        std::string_view item = items[k];
        usize colon = item.find(':');
        auto f = split(item.substr(0, colon), ',');
        u64 id = 0;
        InjectionEntry e;
        if (colon == std::string_view::npos || f.size() != 4 || !hex_field(f[0], id) ||
            id > 0xffffffff || f[1].empty() || f[2].empty() || !hex_field(f[3], e.detail))
            return bad_reply("injection entry is not ID,STATE,EFFECT,DETAIL:SPEC", item);
        e.id = static_cast<u32>(id);
        e.state = std::string(f[1]);
        e.effect = std::string(f[2]);
        e.spec = std::string(item.substr(colon + 1));
        out.push_back(std::move(e));
    }
    return out;
}

Result<u32> Client::inject(std::string_view spec) {
    std::string packet = "qGlasshouse.inject:" + std::string(spec);
    auto r = query(packet);
    if (!r) return r.error();
    u64 id = 0;
    if (!hex_field(*r, id) || id > 0xffffffff) {
        ClientError e = bad_reply("expected an injection id", *r);
        e.request = packet;
        return e;
    }
    return static_cast<u32>(id);
}

Result<std::vector<InjectionEntry>> Client::injections() {
    auto r = query("qGlasshouse.injections");
    if (!r) return r.error();
    auto l = parse_injections(*r);
    if (!l) {
        ClientError e = l.error();
        e.request = "qGlasshouse.injections";
        return e;
    }
    return l;
}

Status Client::uninject(u32 id) {
    return command(with_hex("qGlasshouse.uninject:", id));
}

} // namespace gdb::client

namespace gdb::client {

namespace {
std::string trace_packet(const char* prefix, const gdb::TraceFilters& f) {
    std::string s = with_hex(prefix, f.domain_mask);
    s += with_hex(",", f.hypercall_mask);
    s += with_hex(",", f.type_mask);
    s += with_hex(",", f.checkpoint_interval);
    return s;
}
} // namespace

Status Client::trace_start(const gdb::TraceFilters& f) {
    return command(trace_packet("qGlasshouse.trace.start:", f));
}

Status Client::trace_filter(const gdb::TraceFilters& f) {
    return command(trace_packet("qGlasshouse.trace.filter:", f));
}

Status Client::trace_stop() {
    return command("qGlasshouse.trace.stop");
}

Result<gdb::TraceStatus> Client::trace_status() {
    auto r = query("qGlasshouse.trace.status");
    if (!r) return r.error();
    auto f = split(*r, ',');
    u64 v[4];
    if (f.size() != 4) return bad_reply("qGlasshouse.trace.status: expected 4 fields", *r);
    for (usize i = 0; i < 4; i++)
        if (!hex_field(f[i], v[i])) return bad_reply("qGlasshouse.trace.status: not hex", *r);
    gdb::TraceStatus s;
    s.state = static_cast<u32>(v[0]);
    s.epoch = static_cast<u32>(v[1]);
    s.records = v[2];
    s.lost = v[3];
    return s;
}

} // namespace gdb::client
