// The workbench's fonts: a proportional one for text and a monospaced one
// for hex dumps, registers and disassembly (DejaVu, from fonts-dejavu-core;
// Dear ImGui's built-in font when those are missing).
#pragma once

struct ImFont;

namespace glass::gui {

void load_fonts(float size_px);
ImFont* mono_font(); // push it with ImGui::PushFont; never null after load_fonts

} // namespace glass::gui
