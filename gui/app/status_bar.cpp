#include "gui/app/status_bar.hpp"

#include "gui/app/workbench.hpp"
#include "gui/model/domains_view.hpp"

#include <imgui.h>

#include <string>

namespace glass::gui {

float status_bar_height() {
    return ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y;
}

namespace {

ImVec4 mode_colour(SessionMode m) {
    switch (m) {
    case SessionMode::Launched:
        return {0.30f, 0.75f, 0.35f, 1};
    case SessionMode::Attached:
        return {0.30f, 0.60f, 0.95f, 1};
    case SessionMode::Trace:
        return {0.85f, 0.60f, 0.20f, 1};
    case SessionMode::None:
        break;
    }
    return {0.6f, 0.6f, 0.6f, 1};
}

void badge(const char* text, ImVec4 colour) {
    ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, colour);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 0, 0, 1));
    ImGui::SmallButton(text);
    ImGui::PopStyleColor(4);
}

} // namespace

void draw_status_bar(Workbench& wb, float y, float width, float fps) {
    ImGui::SetNextWindowPos(ImVec2(0, y));
    ImGui::SetNextWindowSize(ImVec2(width, status_bar_height()));
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                             ImGuiWindowFlags_NoSavedSettings |
                             ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6, 3));
    ImGui::Begin("##status", nullptr, flags);
    Session& s = wb.session();
    std::string mode = session_mode_name(s.mode());
    for (char& c : mode)
        c = static_cast<char>(toupper(c));
    badge(mode.c_str(), mode_colour(s.mode()));
    ImGui::SameLine();
    ImGui::TextUnformatted(s.describe().c_str());
    if (!s.progress().empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.3f, 1), "| %s", s.progress().c_str());
    }
    if (const StateFrame* f = wb.state()) {
        // What is paused: the part of the state users most need to see.
        std::string paused;
        unsigned n = 0;
        for (const auto& d : f->domains.domains)
            if (shown_state(d) == "paused") {
                paused += (paused.empty() ? "d" : ", d") + std::to_string(d.id);
                n++;
            }
        ImGui::SameLine();
        ImGui::Text("| %zu domains", f->domains.domains.size());
        ImGui::SameLine();
        if (n)
            badge(("PAUSED: " + paused).c_str(), ImGui::ColorConvertU32ToFloat4(kPausedBadge));
        else
            ImGui::TextDisabled("none paused");
        if (!f->domains.stamp.consistent) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.3f, 1), "(torn read)");
        }
        ImGui::SameLine();
        ImGui::TextDisabled(
            "| state #%llu, %.0f ms old, read %.1f ms", static_cast<unsigned long long>(f->seq),
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - f->taken)
                .count(),
            f->read_ms);
    } else if (s.state()) {
        ImGui::SameLine();
        ImGui::TextDisabled("| reading state...");
    }
    ImGui::SameLine();
    ImGui::TextDisabled("| %s", s.control().describe().c_str());
    if (!wb.messages().empty()) {
        const Message& m = wb.messages().back();
        if (wb.now() - m.at < 8) {
            ImGui::SameLine();
            ImGui::TextColored(m.error ? ImVec4(1, 0.4f, 0.4f, 1) : ImVec4(0.6f, 0.9f, 0.6f, 1),
                               "| %s", m.text.c_str());
        }
    }
    char fps_text[32];
    std::snprintf(fps_text, sizeof fps_text, "%.0f fps", fps);
    float w = ImGui::CalcTextSize(fps_text).x;
    if (ImGui::GetItemRectMax().x < width - w - 20) {
        ImGui::SameLine(width - w - 8);
        ImGui::TextDisabled("%s", fps_text);
    }
    ImGui::End();
    ImGui::PopStyleVar();
}

} // namespace glass::gui
