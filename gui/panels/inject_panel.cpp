// Fault injection: a form that arms an injection (kind, target domain,
// trigger, the kind's parameters, checked with the hypervisor's parser as
// it is typed) and the hypervisor's list of injections, with Cancel for the
// armed ones. The list is read off the frame loop on a schedule (the
// control channel is a serial port), only while the panel is shown or a
// script waits on it.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/background_job.hpp"
#include "gui/model/inject_form.hpp"
#include "gui/model/injection_list.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <optional>

namespace glass::gui {
namespace {

using ListRead = Outcome<std::vector<Injection>>;

constexpr InjectTrigger kTriggers[] = {InjectTrigger::Now, InjectTrigger::Hypercall,
                                       InjectTrigger::Rip, InjectTrigger::PageFault};

bool terminal(const std::string& state) {
    return state == "done" || state == "cancelled";
}

class InjectPanel final : public Panel {
  public:
    const char* name() const override { return "Fault injection"; }
    Tile default_tile() const override { return Tile::Bottom; }
    int order() const override { return 95; }
    char shortcut() const override { return 'J'; }

    void update(Workbench& wb) override {
        form_.follow(wb.selection.domain);
        if (auto r = job_.take()) list_.set(*r);
        // Hidden and nobody waiting: leave the serial line to the others.
        bool wanted = wb.now() - drawn_at_ < 1.0 || waiting_;
        if (!wanted || job_.running() || !list_.due(wb.now())) return;
        std::shared_ptr<Control> c = wb.session().shared_control();
        if (!c || !c->connected()) return;
        list_.started(wb.now());
        job_.start([c](const std::atomic<bool>&) { return c->injections(); });
    }

    void draw(Workbench& wb) override {
        drawn_at_ = wb.now();
        float w = ImGui::GetContentRegionAvail().x;
        ImGui::BeginChild("form", ImVec2(w * 0.42f, 0), false);
        draw_form(wb);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("list", ImVec2(0, 0), false);
        draw_list(wb);
        ImGui::EndChild();
    }

    // For GUI tests and scripts:
    //   arm KIND key=value...   fill the form (glass inject's words; the
    //                           domain defaults to the selection) and arm
    //   wait STATE              until the last armed injection is STATE
    //   cancel ID|last          cancel an armed injection
    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        if (text.rfind("arm ", 0) == 0) {
            form_.follow(wb.selection.domain);
            error = form_.load(text.substr(4));
            if (!error.empty()) return PanelCommand::Failed;
            return arm(wb, error) ? PanelCommand::Done : PanelCommand::Failed;
        }
        if (text.rfind("wait ", 0) == 0) {
            std::string want = text.substr(5);
            if (!last_id_) {
                error = "nothing armed yet";
                return PanelCommand::Failed;
            }
            waiting_ = true;
            const Injection* i = list_.find(*last_id_);
            if (!i) return PanelCommand::Wait;
            if (i->state == want) {
                waiting_ = false;
                return PanelCommand::Done;
            }
            if (terminal(i->state)) {
                waiting_ = false;
                error = "injection " + std::to_string(i->id) + " is " + i->state + " (" +
                        i->effect + "), not " + want;
                return PanelCommand::Failed;
            }
            return PanelCommand::Wait;
        }
        if (text.rfind("cancel ", 0) == 0) {
            std::string arg = text.substr(7);
            u32 id = 0;
            if (arg == "last" && last_id_) {
                id = *last_id_;
            } else {
                char* end = nullptr;
                id = static_cast<u32>(std::strtoul(arg.c_str(), &end, 10));
                if (arg.empty() || *end) {
                    error = "cancel wants an injection id or 'last'";
                    return PanelCommand::Failed;
                }
            }
            return cancel(wb, id, error) ? PanelCommand::Done : PanelCommand::Failed;
        }
        error = "fault injection commands: arm KIND key=value..., wait STATE, cancel ID|last";
        return PanelCommand::Failed;
    }

  private:
    bool arm(Workbench& wb, std::string& error) {
        auto b = form_.build();
        if (!b.ok()) {
            error = b.error;
            return false;
        }
        auto id = wb.session().control().inject(b.spec);
        if (!id.ok()) {
            error = "arm " + b.spec + ": " + id.error();
            return false;
        }
        last_id_ = *id;
        list_.refresh_soon();
        wb.notify("injection " + std::to_string(*id) + " armed: " + b.spec);
        return true;
    }

    bool cancel(Workbench& wb, u32 id, std::string& error) {
        auto r = wb.session().control().uninject(id);
        list_.refresh_soon();
        if (!r.ok()) {
            error = "cancel injection " + std::to_string(id) + ": " + r.error();
            return false;
        }
        wb.notify("injection " + std::to_string(id) + " cancelled");
        return true;
    }

    void draw_form(Workbench& wb) {
        const auto& kinds = InjectForm::kinds();
        ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
        if (ImGui::BeginCombo("kind", form_.kind().c_str())) {
            for (size_t i = 0; i < kinds.size(); i++)
                if (ImGui::Selectable(kinds[i].c_str(), i == form_.kind_index()))
                    form_.set_kind_index(i);
            ImGui::EndCombo();
        }
        std::string dom = form_.domain();
        if (ImGui::InputTextWithHint("domain", "select one, or type its id", &dom))
            form_.set_domain(dom);
        if (form_.takes_vcpu())
            ImGui::InputTextWithHint("vcpu", "any (the triggering one, else 0)", &form_.vcpu);
        if (ImGui::BeginCombo("fires", trigger_label(form_.trigger))) {
            for (InjectTrigger t : kTriggers)
                if (ImGui::Selectable(trigger_label(t), t == form_.trigger)) form_.trigger = t;
            ImGui::EndCombo();
        }
        if (form_.trigger == InjectTrigger::Hypercall) {
            ImGui::InputTextWithHint("hypercall", "name[.sub-op] or number, e.g. memory_op",
                                     &form_.trigger_at);
            ImGui::InputTextWithHint("after", "the Nth call (1)", &form_.after);
        } else if (form_.trigger == InjectTrigger::Rip) {
            ImGui::InputTextWithHint("rip", "guest address, e.g. 0xffffffff80101000",
                                     &form_.trigger_at);
        }
        for (const InjectField* f : form_.fields())
            ImGui::InputTextWithHint(f->key, f->hint, &form_.value(f->key));
        ImGui::InputTextWithHint("more", "further key=value words", &form_.more);
        ImGui::PopItemWidth();

        auto b = form_.build();
        bool can = b.ok() && wb.session().control().connected();
        if (!can) ImGui::BeginDisabled();
        if (ImGui::Button("Arm")) {
            std::string error;
            if (!arm(wb, error)) wb.notify(error, true);
        }
        if (!can) ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::TextDisabled("glass inject %s", form_.command_line().c_str());
        if (b.ok())
            ImGui::TextDisabled("spec %s", b.spec.c_str());
        else
            ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", b.error.c_str());
    }

    void draw_list(Workbench& wb) {
        Control& c = wb.session().control();
        if (!c.connected()) {
            ImGui::TextDisabled("%s", c.describe().c_str());
        } else if (!list_.read_once()) {
            ImGui::TextDisabled("reading the injection list...");
        } else {
            ImGui::Text("%zu injections", list_.rows().size());
        }
        if (!list_.error().empty()) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "(stale: %s)", list_.error().c_str());
        }
        ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
        if (!ImGui::BeginTable("injections", 6, tf)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("id");
        ImGui::TableSetupColumn("state");
        ImGui::TableSetupColumn("effect");
        ImGui::TableSetupColumn("detail");
        ImGui::TableSetupColumn("spec", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("");
        ImGui::TableHeadersRow();
        std::optional<u32> cancel_id;
        for (const Injection& i : list_.rows()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%u", i.id);
            ImGui::TableNextColumn();
            if (Rgba col = state_colour(i.state))
                ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, col);
            ImGui::TextUnformatted(i.state.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(i.effect.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(InjectionList::detail_text(i).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(i.spec.c_str());
            ImGui::TableNextColumn();
            if (InjectionList::cancellable(i)) {
                ImGui::PushID(static_cast<int>(i.id));
                if (ImGui::SmallButton("Cancel")) cancel_id = i.id;
                ImGui::PopID();
            }
        }
        ImGui::EndTable();
        if (cancel_id) {
            std::string error;
            if (!cancel(wb, *cancel_id, error)) wb.notify(error, true);
        }
    }

    InjectForm form_;
    InjectionList list_;
    BackgroundJob<ListRead> job_;
    std::optional<u32> last_id_;
    double drawn_at_ = -10;
    bool waiting_ = false;
};

} // namespace
GLASS_REGISTER_PANEL(InjectPanel);
} // namespace glass::gui
