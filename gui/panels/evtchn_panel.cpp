// Event channels: the selected domain's ports (binding, notify vCPU,
// pending and masked bits) and each vCPU's upcall state, re-read live.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/evtchn_view.hpp"

#include <imgui.h>

namespace glass::gui {
namespace {

class EvtchnPanel final : public Panel {
  public:
    const char* name() const override { return "Event channels"; }
    Tile default_tile() const override { return Tile::Right; }
    int order() const override { return 35; }
    char shortcut() const override { return 'E'; }

    void draw(Workbench& wb) override {
        StateSource* src = wb.session().state();
        if (!src || !wb.selection.domain) {
            ImGui::TextDisabled("Select a domain (Domains panel).");
            return;
        }
        u16 dom = *wb.selection.domain;
        // Bindings change under the hypervisor lock, pending bits any time:
        // read on every state refresh (and when the domain changes).
        const StateFrame* f = wb.state();
        u64 seq = f ? f->seq : 0;
        if (seq != seen_ || dom != view_.domid()) {
            seen_ = seq;
            auto s = src->evtchn(dom);
            error_ = s.ok() ? "" : s.error();
            if (s.ok()) view_.update(*s, wb.now());
        }
        if (!error_.empty()) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "d%u: %s", dom, error_.c_str());
            return;
        }
        ImGui::Text("d%u: %zu ports in use", dom, view_.rows().size());
        for (const UpcallSnapshot& u : view_.vcpus()) {
            ImGui::SameLine();
            ImGui::TextDisabled("| vCPU %u upcall %s%s, sel %#llx", u.vcpu,
                                u.pending ? "pending" : "idle", u.masked ? " (masked)" : "",
                                static_cast<unsigned long long>(u.pending_sel));
        }
        ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
        if (!ImGui::BeginTable("ports", 6, tf)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("port");
        ImGui::TableSetupColumn("state");
        ImGui::TableSetupColumn("binding", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("vCPU");
        ImGui::TableSetupColumn("pending");
        ImGui::TableSetupColumn("masked");
        ImGui::TableHeadersRow();
        for (const PortRow& r : view_.rows()) {
            ImGui::TableNextRow();
            double age = r.flashed_at < 0 ? 1e9 : wb.now() - r.flashed_at;
            if (age < 1.0)
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1,
                                       IM_COL32(200, 160, 40, static_cast<int>(120 * (1 - age))));
            ImGui::TableNextColumn();
            ImGui::Text("%u", r.port.port);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.port.state.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.binding.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%u", r.port.notify_vcpu);
            ImGui::TableNextColumn();
            if (r.port.pending)
                ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "pending");
            else
                ImGui::TextDisabled("-");
            if (r.rises) {
                ImGui::SameLine();
                ImGui::TextDisabled("(%u seen)", r.rises);
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.port.masked ? "masked" : "-");
        }
        ImGui::EndTable();
    }

  private:
    EvtchnView view_;
    u64 seen_ = 0;
    std::string error_;
};

} // namespace

GLASS_REGISTER_PANEL(EvtchnPanel);

} // namespace glass::gui
