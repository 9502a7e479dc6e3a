// Scripted actions for the workbench (--script): what GUI tests and the
// README's screenshots drive, through the same actions the user's clicks
// take. Text form: steps separated by ';' or new lines, e.g.
//   "wait-domains 3; focus Memory map; pause 1; wait-paused 1; screenshot a.png; quit"
//   "panel Timeline: wait-loaded; panel Replay: step 100"
// (`frame-class l4 1` and `va ffffffff80100000` select what the Frame, Page
// tables and Disassembly panels show.)
#pragma once

#include "introspect/lib/outcome.hpp"

#include <string>
#include <vector>

namespace glass::gui {

struct ScriptStep {
    enum class Kind {
        Wait,        // n frames
        WaitDomains, // until n domains are in the state (or `limit` frames pass: error)
        WaitPaused,  // until domain n shows paused (or limit)
        WaitRunning, // until domain n shows running (or limit)
        Focus,       // panel `text`
        Select,      // domain n
        Pause,
        Unpause,
        Screenshot, // PNG at `text`; of panel `panel` only when that is set
        Resize,     // n x m
        Key,        // a shortcut, as the user would press it: `text` ("ctrl+p")
        Panel,      // a panel's own command: `text` is "NAME: COMMAND" (Panel::command)
        FrameClass, // select the first frame of class `text` (owned by domain n if m)
        Va,         // select guest-virtual address n
        Quit,
    };
    Kind kind = Kind::Wait;
    long n = 0, m = 0;
    std::string text;
    std::string panel;
    long limit = 0; // frames a Wait* may take before the script fails
};

// Errors name the step ("step 3 'pause x': pause wants a domain id").
Outcome<std::vector<ScriptStep>> parse_script(const std::string& text);

} // namespace glass::gui
