// Control of the hypervisor: pause, unpause and destroy domains, vCPU
// registers, breakpoints and single steps, fault injections. Implemented
// over the control
// channel (gdbstub client on COM3); the interface keeps panels free of the
// transport, and NoControl says plainly why a button does nothing.
#pragma once

#include "introspect/lib/outcome.hpp"

#include "hv/lib/types.hpp"

#include <string>
#include <utility>
#include <vector>

namespace glass::gui {

struct Done {};

// One fault injection as the hypervisor lists it (qGlasshouse.injections).
struct Injection {
    u32 id = 0;
    std::string state;  // armed, active, holding, done, cancelled
    std::string effect; // none, delivered, failed, ... (hv/core/inject/kinds.hpp)
    u64 detail = 0;     // the effect's number: guest rip, ns held, sub-op, ring index
    std::string spec;   // the text form (hv/core/inject/spec_text.hpp)
};

class Control {
  public:
    virtual ~Control() = default;
    // "control channel 127.0.0.1:4321" or why there is none.
    virtual std::string describe() const = 0;
    virtual bool connected() const = 0;
    virtual Outcome<Done> pause(u16 domid) = 0;
    virtual Outcome<Done> unpause(u16 domid) = 0;
    virtual Outcome<Done> destroy(u16 domid) = 0;
    // Live registers of a (paused) vCPU, in the gdb register order.
    virtual Outcome<std::vector<std::pair<std::string, u64>>> registers(u16 domid, u32 vcpu) = 0;
    virtual Outcome<std::vector<u8>> read_virtual(u16 domid, u32 vcpu, u64 va, u64 len) = 0;
    virtual Outcome<Done> set_breakpoint(u16 domid, u64 va, bool on) = 0;
    virtual Outcome<Done> step(u16 domid, u32 vcpu) = 0;
    virtual Outcome<Done> resume(u16 domid) = 0;
    // Fault injection: arm a spec in its wire text form (checked by the
    // caller with the same parser, gui/model/inject_form.hpp) and get its
    // id; list armed and finished ones; cancel an armed one.
    virtual Outcome<u32> inject(const std::string& spec) = 0;
    virtual Outcome<std::vector<Injection>> injections() = 0;
    virtual Outcome<Done> uninject(u32 id) = 0;
};

// No control channel (a trace, or a target attached without one).
class NoControl final : public Control {
  public:
    explicit NoControl(std::string why) : why_(std::move(why)) {}
    std::string describe() const override { return why_; }
    bool connected() const override { return false; }
    Outcome<Done> pause(u16) override { return no<Done>(); }
    Outcome<Done> unpause(u16) override { return no<Done>(); }
    Outcome<Done> destroy(u16) override { return no<Done>(); }
    Outcome<std::vector<std::pair<std::string, u64>>> registers(u16, u32) override {
        return no<std::vector<std::pair<std::string, u64>>>();
    }
    Outcome<std::vector<u8>> read_virtual(u16, u32, u64, u64) override {
        return no<std::vector<u8>>();
    }
    Outcome<Done> set_breakpoint(u16, u64, bool) override { return no<Done>(); }
    Outcome<Done> step(u16, u32) override { return no<Done>(); }
    Outcome<Done> resume(u16) override { return no<Done>(); }
    Outcome<u32> inject(const std::string&) override { return no<u32>(); }
    Outcome<std::vector<Injection>> injections() override { return no<std::vector<Injection>>(); }
    Outcome<Done> uninject(u32) override { return no<Done>(); }

  private:
    template <class T>
    Outcome<T> no() const {
        return Outcome<T>::failure(why_);
    }
    std::string why_;
};

} // namespace glass::gui
