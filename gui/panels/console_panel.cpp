// Console: the serial console of a launched scenario, one tab per domain
// ("(dN)" lines) plus the hypervisor's own lines and everything together.
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"

#include <imgui.h>

namespace glass::gui {
namespace {

class ConsolePanel final : public Panel {
  public:
    const char* name() const override { return "Console"; }
    Tile default_tile() const override { return Tile::Bottom; }
    int order() const override { return 90; }
    char shortcut() const override { return 'C'; }

    void draw(Workbench& wb) override {
        ConsoleLog& log = wb.session().console();
        if (log.added() == 0) {
            ImGui::TextDisabled(wb.session().mode() == SessionMode::Launched
                                    ? "Waiting for the serial console..."
                                    : "The console shows here when the workbench launched the "
                                      "scenario (Workbench > Launch scenario).");
            return;
        }
        ImGui::Checkbox("follow", &follow_);
        ImGui::SameLine();
        ImGui::Checkbox("selected domain", &follow_selection_);
        if (!ImGui::BeginTabBar("sources")) return;
        int wanted = follow_selection_ && wb.selection.domain ? *wb.selection.domain : -2;
        draw_tab("all", log.all(), false);
        for (int src : log.sources()) {
            std::string label =
                src == ConsoleLog::kHypervisor ? "hypervisor" : "d" + std::to_string(src);
            draw_tab(label.c_str(), log.lines(src), src == wanted && wanted != shown_);
        }
        if (wanted != -2) shown_ = wanted;
        ImGui::EndTabBar();
    }

  private:
    void draw_tab(const char* label, const std::vector<std::string>& lines, bool select) {
        if (!ImGui::BeginTabItem(label, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0))
            return;
        ImGui::BeginChild("lines", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
        ImGui::PushFont(mono_font());
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(lines.size()));
        while (clip.Step())
            for (int i = clip.DisplayStart; i < clip.DisplayEnd; i++)
                ImGui::TextUnformatted(lines[static_cast<size_t>(i)].c_str());
        ImGui::PopFont();
        if (follow_ && ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 40) ImGui::SetScrollHereY(1);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }

    bool follow_ = true, follow_selection_ = true;
    int shown_ = -3;
};

} // namespace

GLASS_REGISTER_PANEL(ConsolePanel);

} // namespace glass::gui
