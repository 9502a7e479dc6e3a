// Connection: launch a scenario, attach to a running Glasshouse, or open a
// trace file; shows what the workbench is connected to now.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace glass::gui {
namespace {

class ConnectionPanel final : public Panel {
  public:
    const char* name() const override { return "Connection"; }
    Tile default_tile() const override { return Tile::Right; }
    int order() const override { return 5; }
    char shortcut() const override { return 'N'; }

    void draw(Workbench& wb) override {
        Session& s = wb.session();
        ImGui::Text("Now: %s", s.describe().c_str());
        if (!s.progress().empty())
            ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.3f, 1), "%s", s.progress().c_str());
        ImGui::TextDisabled("%s", s.control().describe().c_str());
        if (s.mode() == SessionMode::Launched) {
            const Endpoints& e = s.endpoints();
            ImGui::TextDisabled("gdb (COM2): target remote 127.0.0.1:%u", e.gdb_port);
            ImGui::TextDisabled("control (COM3): 127.0.0.1:%u", e.control_port);
            ImGui::TextDisabled("glass inspect --mem %s --hv-elf %s domains", e.mem_path.c_str(),
                                s.hv_elf().c_str());
        }
        ImGui::Separator();

        ImGui::TextUnformatted("Launch a scenario (QEMU + hypervisor + guests)");
        const auto& all = builtin_scenarios();
        if (ImGui::BeginCombo("scenario", all[choice_].name.c_str())) {
            for (size_t i = 0; i < all.size(); i++)
                if (ImGui::Selectable(all[i].name.c_str(), i == choice_)) choice_ = i;
            ImGui::EndCombo();
        }
        ImGui::TextDisabled("%s", all[choice_].description.c_str());
        ImGui::InputText("or scenario file", &scenario_file_);
        if (ImGui::Button("Launch")) {
            auto sc = scenario_file_.empty() ? Outcome<Scenario>(all[choice_])
                                             : load_scenario_file(scenario_file_);
            if (!sc.ok()) {
                wb.notify(sc.error(), true);
            } else {
                auto session = Session::launch(*sc, wb.launch_paths);
                if (session.ok())
                    wb.replace_session(std::move(*session));
                else
                    wb.notify(session.error(), true);
            }
        }
        ImGui::Separator();

        ImGui::TextUnformatted("Attach to a running Glasshouse");
        ImGui::InputText("guest RAM file", &attach_.mem_path);
        ImGui::InputText("hv.elf (optional)", &attach_.hv_elf);
        ImGui::InputText("control host:port", &attach_.control);
        if (ImGui::Button("Attach")) {
            auto session = Session::attach(attach_);
            if (session.ok())
                wb.replace_session(std::move(*session));
            else
                wb.notify(session.error(), true);
        }
        ImGui::Separator();

        ImGui::TextUnformatted("Open a recorded trace (replay)");
        ImGui::InputText("trace file", &trace_);
        if (ImGui::Button("Open trace")) wb.replace_session(Session::open_trace(trace_));
    }

  private:
    size_t choice_ = 0;
    std::string scenario_file_;
    AttachOptions attach_;
    std::string trace_;
};

} // namespace

GLASS_REGISTER_PANEL(ConnectionPanel);

} // namespace glass::gui
