#include "gui/app/fonts.hpp"

#include <imgui.h>

#include <unistd.h>

namespace glass::gui {

namespace {
ImFont* g_mono = nullptr;
constexpr const char* kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kMono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
} // namespace

void load_fonts(float size_px) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFont* sans =
        access(kSans, R_OK) == 0 ? io.Fonts->AddFontFromFileTTF(kSans, size_px) : nullptr;
    if (!sans) {
        ImFontConfig cfg;
        cfg.SizePixels = size_px;
        sans = io.Fonts->AddFontDefault(&cfg);
    }
    g_mono = access(kMono, R_OK) == 0 ? io.Fonts->AddFontFromFileTTF(kMono, size_px) : nullptr;
    if (!g_mono) g_mono = sans;
    io.FontDefault = sans;
}

ImFont* mono_font() {
    return g_mono;
}

} // namespace glass::gui
