#include "gui/app/app.hpp"

#include "gui/app/fonts.hpp"
#include "gui/app/screenshot.hpp"
#include "gui/app/status_bar.hpp"
#include "gui/app/stop_signals.hpp"
#include "gui/model/frame_pacing.hpp"

#include <imgui.h>
#include <imgui_internal.h> // ImGuiSettingsHandler: our layout lives in imgui.ini

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <thread>
#include <time.h>

namespace glass::gui {

using Clock = std::chrono::steady_clock;

namespace {

// CPU time of the whole process (the frame loop, the state poller and the
// OpenGL driver's threads: llvmpipe rasterises on its own threads).
double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

std::string default_ini_path() {
    std::string dir;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        dir = std::string(x) + "/glasshouse";
    else if (const char* h = std::getenv("HOME"); h && *h)
        dir = std::string(h) + "/.config/glasshouse";
    else
        return "glasshouse-workbench.ini";
    std::string parent = dir.substr(0, dir.rfind('/'));
    mkdir(parent.c_str(), 0755);
    mkdir(dir.c_str(), 0755);
    return dir + "/workbench.ini";
}

constexpr Tile kDocked[] = {Tile::Left, Tile::Center, Tile::Right, Tile::Bottom};

} // namespace

// imgui.ini section "[Glasshouse][Layout]": the tile splits and where each
// panel sits, beside ImGui's own window entries (floating panels).
struct LayoutSettings {
    static void* open(ImGuiContext*, ImGuiSettingsHandler* h, const char* name) {
        return std::string(name) == "Layout" ? h->UserData : nullptr;
    }
    static void line(ImGuiContext*, ImGuiSettingsHandler*, void* entry, const char* text) {
        static_cast<App*>(entry)->layout_.apply_line(text);
    }
    static void write(ImGuiContext*, ImGuiSettingsHandler* h, ImGuiTextBuffer* out) {
        out->appendf("[%s][Layout]\n", h->TypeName);
        for (const auto& l : static_cast<App*>(h->UserData)->layout_.to_lines())
            out->appendf("%s\n", l.c_str());
        out->append("\n");
    }
};

App::App(const AppOptions& o, Workbench& wb) : opts_(o), wb_(wb) {}

App::~App() {
    if (!window_) return;
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    glfwTerminate();
}

bool App::init() {
    glfwSetErrorCallback([](int code, const char* what) {
        std::fprintf(stderr, "glass-workbench: GLFW error %d: %s\n", code, what);
    });
    if (!glfwInit()) {
        std::fprintf(stderr,
                     "glass-workbench: cannot open a window: no display (DISPLAY=%s). "
                     "Run under X11 or Xvfb, or use the console: scripts/run.sh "
                     "--console\n",
                     std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "unset");
        return false;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    if (opts_.hidden) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    int w = opts_.width, h = opts_.height;
    if (!w || !h) {
        w = 1600;
        h = 900;
        if (GLFWmonitor* m = glfwGetPrimaryMonitor())
            if (const GLFWvidmode* mode = glfwGetVideoMode(m)) {
                w = std::min(mode->width, 1920);
                h = std::min(mode->height, 1080);
            }
    }
    window_ = glfwCreateWindow(w, h, "Glasshouse workbench", nullptr, nullptr);
    if (!window_) {
        std::fprintf(stderr, "glass-workbench: cannot create an OpenGL 3.0 window\n");
        return false;
    }
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(opts_.bench_frames ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    ini_path_ = opts_.ini.empty() ? default_ini_path() : opts_.ini;
    io.IniFilename = ini_path_.c_str();
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 2;
    style.TabRounding = 2;
    style.FrameRounding = 2;

    ImGuiSettingsHandler handler;
    handler.TypeName = "Glasshouse";
    handler.TypeHash = ImHashStr("Glasshouse");
    handler.ReadOpenFn = LayoutSettings::open;
    handler.ReadLineFn = LayoutSettings::line;
    handler.WriteAllFn = LayoutSettings::write;
    handler.UserData = this;
    ImGui::GetCurrentContext()->SettingsHandlers.push_back(handler);

    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    setup_fonts();

    panels_ = PanelRegistry::create_all();
    for (const auto& p : panels_)
        layout_.add_panel(p->name(), p->default_tile(), p->default_open());
    // The ini file is read at the first NewFrame, after which places from it
    // win (TileLayout keeps them until the panel registers, either order).
    setup_shortcuts();
    if (!opts_.script.empty()) {
        auto steps = parse_script(opts_.script);
        if (!steps.ok()) {
            std::fprintf(stderr, "glass-workbench: --script: %s\n", steps.error().c_str());
            return false;
        }
        script_ = std::move(*steps);
    }
    for (const auto& name : opts_.open) {
        if (!find_panel(name)) {
            std::string known;
            for (const auto& p : panels_)
                known += std::string(known.empty() ? "" : ", ") + p->name();
            std::fprintf(stderr, "glass-workbench: --open: no panel '%s' (panels: %s)\n",
                         name.c_str(), known.c_str());
            return false;
        }
    }
    return true;
}

void App::setup_fonts() {
    float size = opts_.font_size;
    if (size <= 0) {
        int h = 0;
        glfwGetWindowSize(window_, nullptr, &h);
        size = h >= 1000 ? 17.f : h >= 800 ? 15.f : 14.f;
    }
    load_fonts(size);
}

Panel* App::find_panel(const std::string& name) {
    for (const auto& p : panels_)
        if (name == p->name()) return p.get();
    return nullptr;
}

void App::focus_panel(const std::string& name) {
    if (!find_panel(name)) {
        wb_.notify("no panel '" + name + "'", true);
        return;
    }
    layout_.set_open(name, true);
    focus_next_ = name;
}

void App::setup_shortcuts() {
    auto selected_domain = [this]() -> std::optional<u16> { return wb_.selection.domain; };
    shortcuts_ = {
        {{0, kKeyF1}, "show or hide this help", [this] { show_help_ = !show_help_; }},
        {{Chord::Ctrl, 'Q'}, "quit", [this] { quit(); }},
        {{Chord::Ctrl, 'S'},
         "save a screenshot (PNG in the current directory)",
         [this] {
             char name[64];
             std::snprintf(name, sizeof name, "glasshouse-%ld.png",
                           static_cast<long>(std::time(nullptr)));
             request_screenshot(name);
         }},
        {{0, kKeyF1 + 4},
         "re-read the hypervisor state now",
         [this] {
             if (StateSource* s = wb_.session().state()) s->poke();
         }},
        {{Chord::Ctrl, 'P'},
         "pause / unpause the selected domain",
         [this, selected_domain] {
             auto d = selected_domain();
             if (!d) {
                 wb_.notify("select a domain first (Domains panel, Ctrl+Up/Down)", true);
                 return;
             }
             if (wb_.domain_state(*d) == "paused")
                 wb_.unpause(*d);
             else
                 wb_.pause(*d);
         }},
        {{Chord::Ctrl, kKeyUp},
         "select the previous domain",
         [this] {
             const StateFrame* f = wb_.state();
             if (!f || f->domains.domains.empty()) return;
             const auto& ds = f->domains.domains;
             auto it = std::find_if(ds.begin(), ds.end(), [&](const DomainSnapshot& d) {
                 return wb_.selection.domain && d.id == *wb_.selection.domain;
             });
             wb_.selection.domain =
                 it == ds.end() || it == ds.begin() ? ds.back().id : (it - 1)->id;
         }},
        {{Chord::Ctrl, kKeyDown},
         "select the next domain",
         [this] {
             const StateFrame* f = wb_.state();
             if (!f || f->domains.domains.empty()) return;
             const auto& ds = f->domains.domains;
             auto it = std::find_if(ds.begin(), ds.end(), [&](const DomainSnapshot& d) {
                 return wb_.selection.domain && d.id == *wb_.selection.domain;
             });
             wb_.selection.domain =
                 it == ds.end() || it + 1 == ds.end() ? ds.front().id : (it + 1)->id;
         }},
    };
}

bool App::press(const Chord& c) {
    for (const auto& s : shortcuts_)
        if (s.chord == c) {
            s.run();
            return true;
        }
    if (c.mods == Chord::Alt)
        for (const auto& p : panels_)
            if (p->shortcut() && p->shortcut() == c.key) {
                focus_panel(p->name());
                return true;
            }
    return false;
}

void App::handle_shortcuts() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return; // typing into a field, not commanding
    unsigned mods = (io.KeyCtrl ? unsigned(Chord::Ctrl) : 0u) |
                    (io.KeyShift ? unsigned(Chord::Shift) : 0u) |
                    (io.KeyAlt ? unsigned(Chord::Alt) : 0u);
    auto pressed = [&](int key) {
        return key >= 0 && key < IM_ARRAYSIZE(io.KeysDown) && ImGui::IsKeyPressed(key, false);
    };
    for (const auto& s : shortcuts_)
        if (s.chord.mods == mods && pressed(s.chord.key)) s.run();
    if (mods == Chord::Alt)
        for (const auto& p : panels_)
            if (p->shortcut() && pressed(p->shortcut())) focus_panel(p->name());
}

void App::draw_panel_menu(Panel& p) {
    ImGui::TextDisabled("%s", p.name());
    ImGui::Separator();
    Tile now = layout_.place(p.name()).tile;
    for (Tile t : {Tile::Left, Tile::Center, Tile::Right, Tile::Bottom, Tile::Floating}) {
        std::string label = std::string("Move to ") + tile_name(t);
        if (ImGui::MenuItem(label.c_str(), nullptr, now == t)) layout_.move(p.name(), t);
    }
    if (ImGui::MenuItem("Close")) layout_.set_open(p.name(), false);
}

void App::draw_menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("Workbench")) {
        if (ImGui::BeginMenu("Launch scenario")) {
            for (const auto& s : builtin_scenarios())
                if (ImGui::MenuItem(s.name.c_str(), nullptr, false, true)) {
                    auto session = Session::launch(s, opts_.paths);
                    if (session.ok())
                        wb_.replace_session(std::move(*session));
                    else
                        wb_.notify(session.error(), true);
                }
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem("Connection...")) focus_panel("Connection");
        ImGui::Separator();
        if (ImGui::MenuItem("Save screenshot", "Ctrl+S")) press({Chord::Ctrl, 'S'});
        if (ImGui::MenuItem("Reset layout")) {
            layout_ = TileLayout();
            for (const auto& p : panels_)
                layout_.add_panel(p->name(), p->default_tile(), p->default_open());
        }
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit();
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        for (const auto& p : panels_) {
            bool open = layout_.is_open(p->name());
            std::string key = p->shortcut() ? std::string("Alt+") + p->shortcut() : "";
            if (ImGui::MenuItem(p->name(), key.c_str(), open)) {
                if (open)
                    layout_.set_open(p->name(), false);
                else
                    focus_panel(p->name());
            }
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Domain")) {
        auto d = wb_.selection.domain;
        std::string label = d ? "domain " + std::to_string(*d) : "no domain selected";
        ImGui::TextDisabled("%s", label.c_str());
        if (ImGui::MenuItem("Pause / unpause", "Ctrl+P", false, d.has_value()))
            press({Chord::Ctrl, 'P'});
        if (ImGui::MenuItem("Destroy", nullptr, false, d.has_value())) wb_.destroy(*d);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard shortcuts", "F1")) show_help_ = true;
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void App::draw_tile(Tile t, Rect r) {
    if (r.w <= 0 || r.h <= 0) return;
    std::vector<std::string> names = layout_.panels_in(t);
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                             ImGuiWindowFlags_NoSavedSettings |
                             ImGuiWindowFlags_NoBringToFrontOnFocus;
    std::string id = std::string("##tile_") + tile_name(t);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6, 4));
    ImGui::Begin(id.c_str(), nullptr, flags);
    ImGui::PopStyleVar();
    if (names.empty()) {
        ImGui::TextDisabled("No panel here: open one from the View menu (F1: shortcuts).");
    } else if (ImGui::BeginTabBar("tabs", ImGuiTabBarFlags_FittingPolicyScroll)) {
        for (const auto& name : names) {
            Panel* p = find_panel(name);
            bool open = true;
            ImGuiTabItemFlags tf = focus_next_ == name ? ImGuiTabItemFlags_SetSelected : 0;
            bool shown = ImGui::BeginTabItem(p->name(), &open, tf);
            if (ImGui::BeginPopupContextItem()) {
                draw_panel_menu(*p);
                ImGui::EndPopup();
            }
            if (shown) {
                panel_rects_[name] = r;
                ImGui::BeginChild("content");
                p->draw(wb_);
                ImGui::EndChild();
                ImGui::EndTabItem();
            }
            if (!open) layout_.set_open(name, false);
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void App::draw_floating() {
    for (const auto& name : layout_.panels_in(Tile::Floating)) {
        Panel* p = find_panel(name);
        bool open = true;
        ImGui::SetNextWindowSize(ImVec2(700, 500), ImGuiCond_FirstUseEver);
        if (focus_next_ == name) ImGui::SetNextWindowFocus();
        if (ImGui::Begin(p->name(), &open)) {
            ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
            panel_rects_[name] = Rect{pos.x, pos.y, size.x, size.y};
            if (ImGui::BeginPopupContextItem("##title")) {
                draw_panel_menu(*p);
                ImGui::EndPopup();
            }
            p->draw(wb_);
        }
        ImGui::End();
        if (!open) layout_.set_open(name, false);
    }
}

void App::draw_splitters(Rect area) {
    ImGui::SetNextWindowPos(ImVec2(area.x, area.y));
    ImGui::SetNextWindowSize(ImVec2(area.w, area.h));
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                             ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                             ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("##splitters", nullptr, flags);
    const Split splits[] = {Split::LeftEdge, Split::RightEdge, Split::BottomEdge};
    for (Split s : splits) {
        Rect r = layout_.split_rect(s, area);
        if (r.w <= 0 || r.h <= 0) continue;
        ImGui::SetCursorScreenPos(ImVec2(r.x, r.y));
        ImGui::PushID(static_cast<int>(s));
        ImGui::InvisibleButton("split", ImVec2(r.w, r.h));
        bool vertical = s != Split::BottomEdge;
        if (ImGui::IsItemHovered() || ImGui::IsItemActive())
            ImGui::SetMouseCursor(vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
        if (ImGui::IsItemActive()) {
            ImVec2 d = ImGui::GetIO().MouseDelta;
            layout_.drag(s, vertical ? d.x : d.y, area);
            ImGui::MarkIniSettingsDirty();
        }
        ImGui::PopID();
    }
    ImGui::End();
}

void App::draw_help() {
    if (!show_help_) return;
    ImGui::SetNextWindowSize(ImVec2(560, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("Keyboard shortcuts", &show_help_,
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
        if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
            for (const auto& s : shortcuts_) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(chord_name(s.chord).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(s.what);
            }
            for (const auto& p : panels_)
                if (p->shortcut()) {
                    ImGui::TableNextColumn();
                    ImGui::Text("Alt+%c", p->shortcut());
                    ImGui::TableNextColumn();
                    ImGui::Text("show the %s panel", p->name());
                }
            ImGui::EndTable();
        }
        ImGui::TextDisabled("Right-click a panel's tab to move it to another tile or float it;\n"
                            "drag the gaps between tiles to resize. The layout is saved in\n%s",
                            ini_path_.c_str());
    }
    ImGui::End();
}

void App::draw_tiles(Rect area) {
    draw_splitters(area);
    for (Tile t : kDocked)
        draw_tile(t, layout_.tile_rect(t, area));
    draw_floating();
}

void App::draw_frame() {
    ImGuiViewport* vp = ImGui::GetMainViewport();
    draw_menu_bar();
    float top = ImGui::GetFrameHeight();
    float bar = status_bar_height();
    Rect area{vp->Pos.x, vp->Pos.y + top, vp->Size.x, vp->Size.y - top - bar};
    for (const auto& p : panels_)
        p->update(wb_);
    draw_tiles(area);
    draw_status_bar(wb_, vp->Pos.y + vp->Size.y - bar, vp->Size.x, ImGui::GetIO().Framerate);
    draw_help();
}

bool App::step_script() {
    using K = ScriptStep::Kind;
    while (script_pos_ < script_.size()) {
        const ScriptStep& s = script_[script_pos_];
        const StateFrame* f = wb_.state();
        auto waiting = [&](bool done, const std::string& what) {
            if (done) {
                script_wait_ = 0;
                return false;
            }
            if (++script_wait_ > s.limit) {
                std::fprintf(stderr, "glass-workbench: script: %s did not happen in %ld frames\n",
                             what.c_str(), s.limit);
                exit_status_ = 3;
                quit();
                return true;
            }
            return true;
        };
        switch (s.kind) {
        case K::Wait:
            if (script_wait_++ < s.n) return true;
            script_wait_ = 0;
            break;
        case K::WaitDomains:
            if (waiting(f && f->domains.domains.size() >= static_cast<size_t>(s.n),
                        std::to_string(s.n) + " domains"))
                return true;
            break;
        case K::WaitPaused:
            if (waiting(wb_.domain_state(static_cast<u16>(s.n)) == "paused",
                        "domain " + std::to_string(s.n) + " paused"))
                return true;
            break;
        case K::WaitRunning:
            if (waiting(wb_.domain_state(static_cast<u16>(s.n)) == "running",
                        "domain " + std::to_string(s.n) + " running"))
                return true;
            break;
        case K::Focus:
            if (!find_panel(s.text)) {
                std::fprintf(stderr, "glass-workbench: script: no panel '%s'\n", s.text.c_str());
                exit_status_ = 3;
                quit();
                return false;
            }
            focus_panel(s.text);
            break;
        case K::Select:
            wb_.selection.domain = static_cast<u16>(s.n);
            break;
        case K::Pause:
            if (!wb_.pause(static_cast<u16>(s.n)))
                std::fprintf(stderr, "glass-workbench: script: %s\n",
                             wb_.messages().back().text.c_str());
            break;
        case K::Unpause:
            if (!wb_.unpause(static_cast<u16>(s.n)))
                std::fprintf(stderr, "glass-workbench: script: %s\n",
                             wb_.messages().back().text.c_str());
            break;
        case K::Screenshot:
            if (!s.panel.empty() && !find_panel(s.panel)) {
                std::fprintf(stderr, "glass-workbench: script: no panel '%s'\n", s.panel.c_str());
                exit_status_ = 3;
                quit();
                return false;
            }
            request_screenshot(s.text, s.panel);
            break;
        case K::Resize:
            glfwSetWindowSize(window_, static_cast<int>(s.n), static_cast<int>(s.m));
            break;
        case K::Key: {
            auto c = parse_chord(s.text);
            if (!c || !press(*c)) {
                std::fprintf(stderr, "glass-workbench: script: no shortcut '%s'\n", s.text.c_str());
                exit_status_ = 3;
                quit();
                return false;
            }
            break;
        }
        case K::Panel: {
            const size_t colon = s.text.find(':');
            const std::string name = s.text.substr(0, colon);
            std::string cmd = s.text.substr(colon + 1);
            cmd.erase(0, cmd.find_first_not_of(" \t"));
            Panel* p = find_panel(name);
            std::string error;
            const PanelCommand r = p ? p->command(wb_, cmd, error) : PanelCommand::Failed;
            if (!p) error = "no panel '" + name + "'";
            if (r == PanelCommand::Wait) {
                if (waiting(false, "'" + s.text + "'")) return true;
                return false;
            }
            script_wait_ = 0;
            if (r == PanelCommand::Failed) {
                std::fprintf(stderr, "glass-workbench: script: %s: %s\n", s.text.c_str(),
                             error.c_str());
                exit_status_ = 3;
                quit();
                return false;
            }
            break;
        }
        case K::FrameClass: {
            auto cls = frame_class_from_name(s.text);
            if (!cls) {
                std::fprintf(stderr, "glass-workbench: script: no frame class '%s'\n",
                             s.text.c_str());
                exit_status_ = 3;
                quit();
                return false;
            }
            FrameFilter filter;
            filter.cls = *cls;
            if (s.m) filter.owner = static_cast<u16>(s.n);
            std::vector<u64> found = f ? list_frames(f->frames, filter) : std::vector<u64>{};
            if (waiting(!found.empty(), "a frame of class " + s.text)) return true;
            wb_.selection.frame = found.front();
            break;
        }
        case K::Va:
            wb_.selection.va = static_cast<u64>(s.n);
            break;
        case K::Quit:
            quit();
            script_pos_++;
            return true;
        }
        script_pos_++;
        // A screenshot or a focus change shows in the next frame: one step
        // per frame for those.
        if (s.kind == K::Screenshot || s.kind == K::Focus || s.kind == K::Resize) return true;
    }
    return true;
}

int App::run() {
    Clock::time_point start = Clock::now();
    FramePacer pacer(opts_.fps);
    while (!glfwWindowShouldClose(window_) && !quit_ && !stop_signal()) {
        Clock::time_point t0 = Clock::now();
        double cpu0 = opts_.bench_frames ? process_cpu_ms() : 0;
        glfwPollEvents();
        wb_.begin_frame(std::chrono::duration<double>(t0 - start).count());
        if (auto r = wb_.take_focus_request()) focus_panel(*r);
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        const ImGuiIO& io = ImGui::GetIO();
        bool input = io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 ||
                     io.MouseWheelH != 0 || !io.InputQueueCharacters.empty() ||
                     ImGui::IsAnyMouseDown();
        for (int k = 0; !input && k < IM_ARRAYSIZE(io.KeysDown); k++)
            input = io.KeysDown[k];
        handle_shortcuts();
        std::string focusing = focus_next_;
        panel_rects_.clear();
        draw_frame();
        if (focus_next_ == focusing) focus_next_.clear();
        ImGui::Render();
        int fw = 0, fh = 0;
        glfwGetFramebufferSize(window_, &fw, &fh);
        glViewport(0, 0, fw, fh);
        glClearColor(0.08f, 0.08f, 0.09f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        frame_++;
        // With a script, timing starts once it has set the scene up.
        if (opts_.bench_frames && script_pos_ >= script_.size()) {
            glFinish();
            frame_ms_.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            frame_cpu_ms_.push_back(process_cpu_ms() - cpu0);
            if (static_cast<long>(frame_ms_.size()) >= opts_.bench_frames) quit();
        }
        bool last_shot = false;
        if (!opts_.screenshot.empty() && frame_ == opts_.after_frames) {
            screenshot_path_ = opts_.screenshot;
            last_shot = true;
        }
        if (!screenshot_path_.empty()) {
            Rect r{};
            if (!screenshot_panel_.empty()) {
                auto it = panel_rects_.find(screenshot_panel_);
                if (it != panel_rects_.end()) r = it->second;
            }
            // Window coordinates to framebuffer pixels (equal unless HiDPI).
            int ww = 0, wh = 0;
            glfwGetWindowSize(window_, &ww, &wh);
            float sx = ww ? float(fw) / float(ww) : 1, sy = wh ? float(fh) / float(wh) : 1;
            auto saved = save_screenshot(screenshot_path_, fw, fh, int(r.x * sx), int(r.y * sy),
                                         int(r.w * sx), int(r.h * sy));
            if (saved.ok()) {
                wb_.notify("saved " + screenshot_path_);
            } else {
                wb_.notify(saved.error(), true);
                std::fprintf(stderr, "glass-workbench: %s\n", saved.error().c_str());
                exit_status_ = 4;
            }
            screenshot_path_.clear();
            if (last_shot) quit();
        }
        if (!script_.empty()) step_script();
        glfwSwapBuffers(window_);
        bool forced = opts_.bench_frames || !script_.empty() || !opts_.screenshot.empty();
        pacer.frame(wb_.now(), input, wb_.take_animating(), forced);
        double spent = std::chrono::duration<double>(Clock::now() - t0).count();
        if (opts_.bench_frames) continue; // unthrottled: frame times are the point
        if (pacer.idle()) {
            // Any input ends the wait at once and brings full rate back.
            if (pacer.budget() > spent) glfwWaitEventsTimeout(pacer.budget() - spent);
        } else if (pacer.budget() > spent) {
            std::this_thread::sleep_for(std::chrono::duration<double>(pacer.budget() - spent));
        }
    }
    ImGui::SaveIniSettingsToDisk(ini_path_.c_str());
    if (!frame_ms_.empty()) {
        // Skip the first frames (font atlas upload, first state read).
        auto report = [](const char* what, std::vector<double> v) {
            size_t skip = std::min<size_t>(v.size() / 10, 10);
            v.erase(v.begin(), v.begin() + static_cast<long>(skip));
            std::sort(v.begin(), v.end());
            auto pct = [&](double q) {
                return v[std::min(v.size() - 1,
                                  static_cast<size_t>(q * static_cast<double>(v.size())))];
            };
            std::printf("%-12s frames %zu  median %.2f ms  p99 %.2f ms  max %.2f ms\n", what,
                        v.size(), pct(0.5), pct(0.99), v.back());
        };
        report("wall", frame_ms_);
        report("process CPU", frame_cpu_ms_);
    }
    if (int sig = stop_signal()) {
        // The session (and the QEMU it launched) ends as main() returns.
        std::fprintf(stderr, "glass-workbench: stopping on signal %d (%s)\n", sig, strsignal(sig));
        return 128 + sig;
    }
    return exit_status_;
}

} // namespace glass::gui
