// Control over the hypervisor's control port (control=com3) through the
// gdbstub host client (gdbstub/client/): qGlasshouse.pause/unpause, and
// gdb's own packets for registers (Hg + g), guest-virtual memory (m),
// software breakpoints (Z0/z0), single steps (vCont;s) and continuing.
// One request at a time: each call holds a lock for its exchange (a few ms
// over the emulated UART), so a panel may poll from a worker thread (the
// injection list) while others call from the frame loop.
#pragma once

#include "gui/session/control.hpp"

#include "gdbstub/client/client.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace glass::gui {

class ClientControl final : public Control {
  public:
    explicit ClientControl(gdb::client::Client c);
    static Outcome<std::unique_ptr<ClientControl>> connect(const std::string& host_port);

    std::string describe() const override;
    bool connected() const override { return true; }
    Outcome<Done> pause(u16 domid) override;
    Outcome<Done> unpause(u16 domid) override;
    Outcome<Done> destroy(u16 domid) override;
    Outcome<std::vector<std::pair<std::string, u64>>> registers(u16 domid, u32 vcpu) override;
    Outcome<std::vector<u8>> read_virtual(u16 domid, u32 vcpu, u64 va, u64 len) override;
    Outcome<Done> set_breakpoint(u16 domid, u64 va, bool on) override;
    Outcome<Done> step(u16 domid, u32 vcpu) override;
    Outcome<Done> resume(u16 domid) override;
    Outcome<u32> inject(const std::string& spec) override;
    Outcome<std::vector<Injection>> injections() override;
    Outcome<Done> uninject(u32 id) override;

  private:
    Outcome<Done> select_thread(u16 domid, u32 vcpu);
    Outcome<std::vector<std::pair<std::string, u64>>> registers_locked(u16 domid, u32 vcpu);
    std::mutex lock_; // one exchange at a time on the one connection
    gdb::client::Client client_;
    std::map<u16, std::set<u64>> breakpoints_; // planted through us, per domain
};

// A 'g' reply as (name, value) pairs: every register up to 64 bits that the
// stub marked available (x87 stack registers and 'x'-filled ones left out).
Outcome<std::vector<std::pair<std::string, u64>>> parse_register_reply(const std::string& hex);

} // namespace glass::gui
