// Disassembly: Capstone over guest memory at a vCPU's RIP or any virtual
// address, named with the guest ELF's symbols; breakpoints (F9), single
// step (F10) and continue (F8) through the control channel's gdb packets.
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/disassembler.hpp"
#include "gui/model/elf_symbols.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <set>

namespace glass::gui {
namespace {

constexpr int kF8 = 297, kF9 = 298, kF10 = 299; // GLFW key codes

class DisassemblyPanel final : public Panel {
  public:
    const char* name() const override { return "Disassembly"; }
    Tile default_tile() const override { return Tile::Center; }
    int order() const override { return 40; }
    char shortcut() const override { return 'A'; }

    void draw(Workbench& wb) override {
        const StateFrame* f = wb.state();
        StateSource* src = wb.session().state();
        const DomainSnapshot* d =
            f && wb.selection.domain ? f->domains.find(*wb.selection.domain) : nullptr;
        if (!d || !src || d->vcpus.empty()) {
            ImGui::TextDisabled("Select a domain (Domains panel).");
            return;
        }
        if (elf_path_.empty()) elf_path_ = wb.launch_paths.build_dir + "/guest/guest.elf";
        load_symbols();
        u32 v = wb.selection.vcpu < d->vcpus.size() ? wb.selection.vcpu : 0;
        const VcpuSnapshot& vc = d->vcpus[v];
        u64 rip = live_rip_.value_or(vc.reg("rip"));
        if (follow_rip_ || !wb.selection.va) wb.selection.va = rip;

        toolbar(wb, *d, v, rip);
        u64 va = *wb.selection.va;
        std::vector<u8> bytes(512);
        size_t n = read_guest_virtual(*src, vc.l4_mfn(), va, bytes.data(), bytes.size());
        if (!n) {
            ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%#llx is not mapped in d%u's tables",
                               static_cast<unsigned long long>(va), d->id);
            return;
        }
        auto insns = dis_.run(bytes.data(), n, va, 96);
        keys(wb, *d, v);
        ImGui::BeginChild("code");
        ImGui::PushFont(mono_font());
        for (const Instruction& i : insns) {
            std::string sym = symbols_.describe(i.va);
            const Symbol* s = symbols_.find(i.va);
            if (s && s->addr == i.va)
                ImGui::TextColored(ImVec4(0.6f, 0.8f, 1, 1), "%s:", sym.c_str());
            bool bp = breakpoints_.count(i.va) > 0;
            bool here = i.va == rip;
            char line[256];
            std::snprintf(line, sizeof line, "%s%s %016llx  %-24s %s##%llx", bp ? "*" : " ",
                          here ? ">" : " ", static_cast<unsigned long long>(i.va), i.bytes.c_str(),
                          i.text.c_str(), static_cast<unsigned long long>(i.va));
            if (here) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.9f, 0.4f, 1));
            if (bp) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.45f, 1));
            if (ImGui::Selectable(line, cursor_ == i.va)) cursor_ = i.va;
            if (bp) ImGui::PopStyleColor();
            if (here) ImGui::PopStyleColor();
            if (ImGui::IsItemHovered() && !sym.empty()) ImGui::SetTooltip("%s", sym.c_str());
        }
        ImGui::PopFont();
        ImGui::EndChild();
    }

    // For GUI tests and scripts, on the selected domain and vCPU:
    // break X / unbreak X (X a hex address or a symbol), step, continue,
    // wait-rip X (until the state read from the hypervisor shows the vCPU
    // at X).
    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        if (!wb.selection.domain) {
            error = "no domain selected";
            return PanelCommand::Failed;
        }
        u16 dom = *wb.selection.domain;
        if (elf_path_.empty()) elf_path_ = wb.launch_paths.build_dir + "/guest/guest.elf";
        load_symbols();
        auto verb_arg = [&](const char* verb, u64& at) {
            std::string prefix = std::string(verb) + " ";
            if (text.rfind(prefix, 0) != 0) return false;
            std::string arg = text.substr(prefix.size());
            if (!resolve(arg, at)) {
                error = "'" + arg + "' is neither a symbol of " + elf_path_ + " nor a hex address";
                return false;
            }
            return true;
        };
        u64 at = 0;
        if (verb_arg("break", at) || verb_arg("unbreak", at)) {
            bool on = text.rfind("break ", 0) == 0;
            return outcome(wb, set_breakpoint(wb, dom, at, on), error);
        }
        if (verb_arg("wait-rip", at)) {
            const StateFrame* f = wb.state();
            const DomainSnapshot* d = f ? f->domains.find(dom) : nullptr;
            if (!d || wb.selection.vcpu >= d->vcpus.size()) return PanelCommand::Wait;
            return d->vcpus[wb.selection.vcpu].reg("rip") == at ? PanelCommand::Done
                                                                : PanelCommand::Wait;
        }
        if (!error.empty()) return PanelCommand::Failed;
        if (text == "step") return outcome(wb, step(wb, dom, wb.selection.vcpu), error);
        if (text == "continue") return outcome(wb, resume(wb, dom), error);
        error = "disassembly commands: break X, unbreak X, step, continue, wait-rip X "
                "(X: hex address or symbol)";
        return PanelCommand::Failed;
    }

  private:
    bool resolve(const std::string& arg, u64& at) const {
        if (const Symbol* s = symbols_.by_name(arg)) {
            at = s->addr;
            return true;
        }
        char* end = nullptr;
        at = std::strtoull(arg.c_str(), &end, 16);
        return !arg.empty() && end && !*end;
    }

    void load_symbols() {
        if (elf_path_ == loaded_path_) return;
        loaded_path_ = elf_path_;
        auto t = SymbolTable::load(elf_path_);
        symbols_ = t.ok() ? *t : SymbolTable();
        symbols_error_ = t.ok() ? "" : t.error();
    }

    void toolbar(Workbench& wb, const DomainSnapshot& d, u32 v, u64 rip) {
        ImGui::Text("d%u vCPU %u  rip %#llx %s", d.id, v, static_cast<unsigned long long>(rip),
                    symbols_.describe(rip).c_str());
        ImGui::SameLine();
        ImGui::Checkbox("follow RIP", &follow_rip_);
        ImGui::SetNextItemWidth(260);
        if (ImGui::InputTextWithHint("go to", "address (hex) or symbol", &goto_,
                                     ImGuiInputTextFlags_EnterReturnsTrue)) {
            if (const Symbol* s = symbols_.by_name(goto_)) {
                wb.selection.va = s->addr;
                follow_rip_ = false;
            } else {
                char* end = nullptr;
                u64 a = std::strtoull(goto_.c_str(), &end, 16);
                if (end && !*end && !goto_.empty()) {
                    wb.selection.va = a;
                    follow_rip_ = false;
                } else {
                    wb.notify("no symbol or hex address '" + goto_ + "'", true);
                }
            }
        }
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        ImGui::InputText("##elf", &elf_path_);
        if (!symbols_error_.empty()) ImGui::TextDisabled("symbols: %s", symbols_error_.c_str());
        Control& c = wb.session().control();
        bool can = c.connected();
        if (!can) ImGui::BeginDisabled();
        if (ImGui::Button("Breakpoint (F9)")) toggle_breakpoint(wb, d.id);
        ImGui::SameLine();
        if (ImGui::Button("Step (F10)")) step(wb, d.id, v);
        ImGui::SameLine();
        if (ImGui::Button("Continue (F8)")) resume(wb, d.id);
        if (!can) {
            ImGui::EndDisabled();
            ImGui::SameLine();
            ImGui::TextDisabled("(%s)", c.describe().c_str());
        }
        ImGui::SameLine();
        ImGui::TextDisabled("%zu breakpoints", breakpoints_.size());
    }

    void keys(Workbench& wb, const DomainSnapshot& d, u32 v) {
        if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) ||
            ImGui::GetIO().WantTextInput || !wb.session().control().connected())
            return;
        if (ImGui::IsKeyPressed(kF9, false)) toggle_breakpoint(wb, d.id);
        if (ImGui::IsKeyPressed(kF10, false)) step(wb, d.id, v);
        if (ImGui::IsKeyPressed(kF8, false)) resume(wb, d.id);
    }

    void toggle_breakpoint(Workbench& wb, u16 dom) {
        u64 at = cursor_ ? cursor_ : wb.selection.va.value_or(0);
        set_breakpoint(wb, dom, at, !breakpoints_.count(at));
    }

    bool set_breakpoint(Workbench& wb, u16 dom, u64 at, bool on) {
        auto r = wb.session().control().set_breakpoint(dom, at, on);
        if (!r.ok()) {
            wb.notify("breakpoint: " + r.error(), true);
            return false;
        }
        if (on)
            breakpoints_.insert(at);
        else
            breakpoints_.erase(at);
        char b[64];
        std::snprintf(b, sizeof b, "breakpoint %s at %#llx", on ? "set" : "cleared",
                      static_cast<unsigned long long>(at));
        wb.notify(b);
        return true;
    }

    // A step needs the domain stopped: pause it first if it runs.
    // Each action reports in the status bar; false if it failed there.
    bool step(Workbench& wb, u16 dom, u32 v) {
        Control& c = wb.session().control();
        if (wb.domain_state(dom) != "paused" && !wb.pause(dom)) return false;
        auto r = c.step(dom, v);
        if (!r.ok()) {
            wb.notify("step: " + r.error(), true);
            return false;
        }
        auto regs = c.registers(dom, v);
        if (regs.ok())
            for (const auto& [name, value] : *regs)
                if (name == "rip") live_rip_ = value;
        follow_rip_ = true;
        if (StateSource* s = wb.session().state()) s->poke();
        return true;
    }

    bool resume(Workbench& wb, u16 dom) {
        auto r = wb.session().control().resume(dom);
        live_rip_.reset();
        if (!r.ok()) {
            wb.notify("continue: " + r.error(), true);
            return false;
        }
        wb.notify("d" + std::to_string(dom) + " continues");
        if (StateSource* s = wb.session().state()) s->poke();
        return true;
    }

    PanelCommand outcome(Workbench& wb, bool ok, std::string& error) const {
        if (ok) return PanelCommand::Done;
        error = wb.messages().empty() ? "failed" : wb.messages().back().text;
        return PanelCommand::Failed;
    }

    Disassembler dis_;
    SymbolTable symbols_;
    std::string elf_path_, loaded_path_, symbols_error_, goto_;
    std::set<u64> breakpoints_;
    std::optional<u64> live_rip_;
    u64 cursor_ = 0;
    bool follow_rip_ = true;
};

} // namespace

GLASS_REGISTER_PANEL(DisassemblyPanel);

} // namespace glass::gui
