// The workbench window: GLFW + OpenGL 3 + Dear ImGui, the frame loop, the
// menu bar, the tiled panel layout (persisted in imgui.ini), the status
// bar, keyboard shortcuts, scripted actions and screenshots. Panels do the
// drawing of their own contents; this file only places them.
#pragma once

#include "gui/app/options.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/script.hpp"
#include "gui/model/shortcut.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct GLFWwindow;

namespace glass::gui {

struct Shortcut {
    Chord chord;
    const char* what;
    std::function<void()> run;
};

class App {
  public:
    App(const AppOptions& o, Workbench& wb);
    ~App();
    // Opens the window; false (with the reason printed) when there is no
    // display or no OpenGL 3.
    bool init();
    // Runs until the window closes or the script quits; the exit status.
    int run();

    // For scripts and shortcuts.
    void focus_panel(const std::string& name);
    bool press(const Chord& c);
    void request_screenshot(const std::string& path, const std::string& panel = "") {
        screenshot_path_ = path;
        screenshot_panel_ = panel;
    }
    void quit() { quit_ = true; }

  private:
    void setup_fonts();
    void setup_shortcuts();
    void draw_frame();
    void draw_menu_bar();
    void draw_tiles(Rect area);
    void draw_tile(Tile t, Rect r);
    void draw_floating();
    void draw_splitters(Rect area);
    void draw_help();
    void draw_panel_menu(Panel& p);
    void handle_shortcuts();
    bool step_script(); // false: the script failed
    Panel* find_panel(const std::string& name);

    AppOptions opts_;
    Workbench& wb_;
    GLFWwindow* window_ = nullptr;
    std::string ini_path_;
    std::vector<std::unique_ptr<Panel>> panels_;
    TileLayout layout_;
    std::vector<Shortcut> shortcuts_;
    std::vector<ScriptStep> script_;
    size_t script_pos_ = 0;
    long script_wait_ = 0;
    std::string screenshot_path_, screenshot_panel_;
    std::map<std::string, Rect> panel_rects_; // where each panel was drawn this frame
    std::string focus_next_;
    bool show_help_ = false;
    bool quit_ = false;
    int exit_status_ = 0;
    long frame_ = 0;
    std::vector<double> frame_ms_, frame_cpu_ms_;
    friend struct LayoutSettings;
};

} // namespace glass::gui
