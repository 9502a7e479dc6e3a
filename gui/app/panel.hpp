// A workbench panel: one window's worth of drawing over the shared
// Workbench context. Panels keep their view state in a view model (a plain
// class in gui/model/, tested without a window) and only draw here.
//
// Adding one: a file in gui/panels/ with a class deriving from Panel and
// GLASS_REGISTER_PANEL(ClassName) at namespace scope (see gui/README.md).
#pragma once

#include "gui/model/tile_layout.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace glass::gui {

class Workbench;

// What a scripted command (--script "panel NAME: COMMAND") came to: done,
// not yet (asked again next frame, up to the step's frame limit), or failed
// (the error says why; the script stops with status 3).
enum class PanelCommand { Done, Wait, Failed };

class Panel {
  public:
    virtual ~Panel() = default;
    // Stable: the window title, the imgui.ini key, the --open argument.
    virtual const char* name() const = 0;
    // Where it sits until the user moves it, and whether it starts open.
    virtual Tile default_tile() const { return Tile::Center; }
    virtual bool default_open() const { return true; }
    // Order in the View menu and inside a tile (smaller first).
    virtual int order() const { return 100; }
    // Alt+<key> focuses the panel ('A'..'Z', '0'..'9'; 0 = none).
    virtual char shortcut() const { return 0; }
    // Every frame, visible or not (e.g. to keep a history); before draw().
    virtual void update(Workbench&) {}
    // The contents; the shell has begun the window or tab.
    virtual void draw(Workbench& wb) = 0;
    // A scripted command, as a GUI test or a benchmark drives the panel.
    virtual PanelCommand command(Workbench&, const std::string&, std::string& error) {
        error = std::string(name()) + " takes no commands";
        return PanelCommand::Failed;
    }
};

class PanelRegistry {
  public:
    using Factory = std::function<std::unique_ptr<Panel>()>;
    // Called from static initialisers (GLASS_REGISTER_PANEL).
    static bool add(Factory f);
    // One instance of every registered panel, sorted by order() then name.
    static std::vector<std::unique_ptr<Panel>> create_all();

  private:
    static std::vector<Factory>& factories();
};

#define GLASS_PANEL_CONCAT2(a, b) a##b
#define GLASS_PANEL_CONCAT(a, b) GLASS_PANEL_CONCAT2(a, b)
#define GLASS_REGISTER_PANEL(Type)                                                                 \
    static const bool GLASS_PANEL_CONCAT(glass_panel_registered_, __LINE__) =                      \
        ::glass::gui::PanelRegistry::add([] { return std::make_unique<Type>(); })

} // namespace glass::gui
