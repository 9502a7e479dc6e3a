// Drawing helpers the trace panels share (not a panel): the workspace for
// this frame, colours for hypercalls and record types, the "no trace yet"
// line, and the filter popup every trace panel offers.
#pragma once

#include "gui/model/trace_workspace.hpp"

#include <imgui.h>

#include <vector>

namespace glass::gui {

class Workbench;

// The trace workspace following wb's session, polled for this frame.
TraceWorkspace& trace_ws(Workbench& wb);

// One hue per hypercall number (stable across runs), darker when failed.
ImU32 call_colour(u32 nr, float alpha = 1.0f);
ImU32 record_type_colour(u8 type);
constexpr ImU32 kFailedColour = IM_COL32(235, 70, 60, 255);
constexpr ImU32 kCursorColour = IM_COL32(255, 170, 40, 255);
constexpr ImU32 kSelectedColour = IM_COL32(255, 255, 255, 255);

// Draws why there is nothing to show (no trace, loading with progress,
// failed); true when the trace is ready.
bool trace_ready(TraceWorkspace& ws);

// "Filter" button with a popup over domains, vCPUs, hypercalls, result and
// record types; changes go to the workspace (applied in the background).
void draw_filter_button(TraceWorkspace& ws);
// What the Timeline spent per frame, for the benchmark: level of detail
// (prepare_timeline) and building the draw list, in ms of this thread's CPU.
struct TimelineFrameTimes {
    std::vector<double> prepare_ms, draw_ms;
    std::size_t max_marks = 0;
};
TimelineFrameTimes& timeline_frame_times();
// CPU time of the calling thread, ms.
double thread_cpu_ms();

// One line naming what the filter hides, "" for none.
std::string filter_summary(const tv::TraceModel& m, const tv::TraceFilter& f);

} // namespace glass::gui
