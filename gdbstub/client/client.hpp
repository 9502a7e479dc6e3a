// Host client of the GDB remote protocol, for Glasshouse's tools: glass,
// the workbench, tests. It speaks to the hypervisor's control port
// (control=com3) or debugger port (gdb=com2), or to any gdbstub Session,
// over TCP (QEMU's socket chardev). Framing, checksums and run-length
// expansion are gdbstub's own codec (packet_reader, packet_encoder).
//
// One request at a time; a Client is not thread-safe (one per thread, or a
// lock around it). Closing the connection sends nothing: pauses made
// through it stay in force (use unpause), unlike gdb's detach ('D'), which
// releases everything this connection stopped.
//
// Adding a call: one method that sends its qGlasshouse packet through
// query()/command() and parses the reply (see domains()).
#pragma once

#include "gdbstub/client/result.hpp"
#include "gdbstub/client/transport.hpp"
#include "gdbstub/packet_reader.hpp"
#include "gdbstub/target.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gdb::client {

struct ClientOptions {
    // Per request. Generous: the stub answers over an emulated UART under
    // TCG (a few ms per small packet), and a busy machine adds more.
    std::chrono::milliseconds timeout{5000};
    std::chrono::milliseconds connect_timeout{3000};
};

struct Endpoint {
    std::string host = "127.0.0.1";
    u16 port = 0;
};
// "HOST:PORT" or "PORT" (host 127.0.0.1).
Result<Endpoint> parse_endpoint(std::string_view text);

struct LayoutRegion {
    std::string name;
    u64 start = 0;
    u64 end = 0; // exclusive
};

// One entry of qGlasshouse.injections.
struct InjectionEntry {
    u32 id = 0;
    std::string state;  // armed, active, holding, done, cancelled
    std::string effect; // none, delivered, dropped, failed, ... (hv/core/inject/table.hpp)
    u64 detail = 0;     // the effect's number: guest rip, port, sub-op, ring index
    std::string spec;   // the injection's text form (hv/core/inject/spec_text.hpp)
};

class Client {
  public:
    // Connects and synchronises with the stub (an empty packet, answered
    // by every gdbstub), so a stale half-packet left by an earlier client
    // cannot be taken for a reply. Fails with CannotConnect, or Timeout
    // when something accepts the connection but no stub answers.
    static Result<Client> connect(const Endpoint& at, ClientOptions opts = {});

    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    ~Client();

    // --- Glasshouse calls (PROTOCOL.md, "Glasshouse packets")
    Result<std::string> version();
    Result<std::vector<gdb::DomainInfo>> domains();
    Status pause(u16 domain);
    Status unpause(u16 domain);
    Result<std::vector<LayoutRegion>> layout();
    // The recorder (qGlasshouse.trace.*). A start answers once the
    // snapshot is written, which needs the rings drained meanwhile: call it
    // from a thread while another drains (traces/live), with a long timeout.
    Status trace_start(const gdb::TraceFilters& f);
    Status trace_filter(const gdb::TraceFilters& f);
    Status trace_stop();
    Result<gdb::TraceStatus> trace_status();
    // Fault injection: arm from a spec's text form, returning its id;
    // list armed and finished injections; cancel an armed one.
    Result<u32> inject(std::string_view spec);
    Result<std::vector<InjectionEntry>> injections();
    Status uninject(u32 id);

    // --- building blocks
    // Sends one packet body and returns the reply body exactly as received
    // (after RLE expansion); error and empty replies are returned too.
    Result<std::string> raw(std::string_view body);
    // raw(), but 'Enn'/'E.text' becomes ErrorReply, the empty reply
    // NotSupported, and asynchronous stop replies (a session left running
    // by an earlier client) are set aside in stops().
    Result<std::string> query(std::string_view body);
    // query() for packets answered 'OK'.
    Status command(std::string_view body);

    // Stop replies ('T05thread:...') that arrived while waiting for another
    // reply, oldest first.
    const std::vector<std::string>& stops() const { return stops_; }
    const Endpoint& endpoint() const { return at_; }

  private:
    Client(Transport t, const Endpoint& at, ClientOptions opts);
    Status send_packet(std::string_view body);
    Result<std::string> read_reply(std::string_view request, bool resend_on_nak = true);
    ClientError fail(ErrorKind k, std::string_view request, std::string message) const;

    Transport transport_;
    Endpoint at_;
    ClientOptions opts_;
    std::unique_ptr<gdb::PacketReader> reader_; // 4 KiB: keep it off the stack
    std::string last_frame_;                    // resent on '-'
    std::string inbox_;                         // received, not yet parsed
    std::vector<std::string> stops_;
};

// Parses a qGlasshouse.domains reply ("ID,VCPUS,STATE,MEMKIB;...").
Result<std::vector<gdb::DomainInfo>> parse_domains(std::string_view reply);
// Parses a qGlasshouse.layout reply ("NAME:START,END;...").
Result<std::vector<LayoutRegion>> parse_layout(std::string_view reply);
// Parses a qGlasshouse.injections reply ("COUNT|ID,STATE,EFFECT,DETAIL:SPEC|...").
Result<std::vector<InjectionEntry>> parse_injections(std::string_view reply);
// Parses an error reply ("E13", "E.no such domain"); false if it is not one.
bool parse_error_reply(std::string_view reply, u8& code, std::string& text);
// True for stop replies: T/S with a signal, W/X with a status.
bool is_stop_reply(std::string_view reply);

} // namespace gdb::client
