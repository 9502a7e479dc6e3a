// Timeline: the hypercall trace per vCPU, zoomable from the whole trace to
// single nanoseconds. Each track draws its calls as spans (nested calls one
// lane lower) and its other records as ticks below; what the marks are comes
// from tv::prepare_timeline (level of detail: sub-pixel runs folded),
// computed before drawing. Wheel zooms around the mouse, drag pans, a click
// selects (Record details shows it), a double click moves the replay there,
// a click on the ruler scrubs; the orange line is the replay position.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/panels/trace_widgets.hpp"
#include "gui/trace_view/lod.hpp"
#include "gui/trace_view/record_details.hpp"
#include "traces/names.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace glass::gui {
namespace {

using namespace glass::tv;

constexpr float kLabelW = 64;
constexpr float kRulerH = 22;
constexpr float kLaneH = 16;
constexpr float kTickH = 7;
constexpr float kTrackGap = 6;

// "1.5 ms", "20 us" for ruler labels.
std::string short_time(double ns) {
    char buf[32];
    const double a = std::fabs(ns);
    if (a >= 1e9) {
        std::snprintf(buf, sizeof buf, "%.6g s", ns / 1e9);
    } else if (a >= 1e6) {
        std::snprintf(buf, sizeof buf, "%.6g ms", ns / 1e6);
    } else if (a >= 1e3) {
        std::snprintf(buf, sizeof buf, "%.6g us", ns / 1e3);
    } else {
        std::snprintf(buf, sizeof buf, "%.6g ns", ns);
    }
    return buf;
}

float clampx(float x, float w) {
    return std::clamp(x, -4.0f, w + 4.0f);
}

class TimelinePanel final : public Panel {
  public:
    const char* name() const override { return "Timeline"; }
    Tile default_tile() const override { return Tile::Center; }
    int order() const override { return 40; }
    char shortcut() const override { return 'T'; }

    void update(Workbench& wb) override { trace_ws(wb); }

    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (text == "wait-loaded") {
            if (ws.status() == TraceWorkspace::Status::Failed) {
                error = ws.error();
                return PanelCommand::Failed;
            }
            return ws.status() == TraceWorkspace::Status::Ready && !ws.filtering()
                       ? PanelCommand::Done
                       : PanelCommand::Wait;
        }
        if (ws.status() != TraceWorkspace::Status::Ready) return PanelCommand::Wait;
        const TraceModel& m = *ws.model();
        if (text == "fit") {
            fit(ws);
            return PanelCommand::Done;
        }
        if (text == "animate") {
            animate_ = true;
            return PanelCommand::Done;
        }
        unsigned long long a = 0, b = 0;
        if (std::sscanf(text.c_str(), "window %llu %llu", &a, &b) == 2 && b > a) {
            ws.window = {double(a), double(b)};
            return PanelCommand::Done;
        }
        if (std::sscanf(text.c_str(), "around %llu %llu", &a, &b) == 2 && a < m.record_count() &&
            b > 0) {
            const double t = double(m.row(u32(a)).time_ns());
            ws.window = {t - double(b) / 2, t + double(b) / 2};
            return PanelCommand::Done;
        }
        if (std::sscanf(text.c_str(), "select %llu", &a) == 1 && a < m.record_count()) {
            ws.select(u32(a));
            return PanelCommand::Done;
        }
        error = "timeline commands: wait-loaded, fit, animate, window FROM TO, around RECORD NS, "
                "select RECORD";
        return PanelCommand::Failed;
    }

    void draw(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (!trace_ready(ws)) return;
        const TraceModel& m = *ws.model();
        if (!ws.warning().empty())
            ImGui::TextColored(ImVec4(1, 0.75f, 0.3f, 1), "%s", ws.warning().c_str());
        draw_toolbar(ws, m);

        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float width = std::max(50.0f, avail.x - kLabelW);
        if (animate_) animate(ws, m, wb.now());
        keep_in_bounds(ws, m);

        // Prepare: the marks of every visible track for this window and width,
        // before anything is drawn.
        const double c0 = thread_cpu_ms();
        prepare_timeline(m, ws.filtered(), ws.window, width, LodOptions{}, marks_);
        const double c1 = thread_cpu_ms();
        prepare_ms_ = c1 - c0;

        draw_ruler(ws, m, width);
        ImGui::BeginChild("tracks", ImVec2(0, 0), false);
        draw_tracks(ws, m, width);
        ImGui::EndChild();
        TimelineFrameTimes& ft = timeline_frame_times();
        if (ft.prepare_ms.size() < 100000) {
            ft.prepare_ms.push_back(prepare_ms_);
            ft.draw_ms.push_back(thread_cpu_ms() - c1);
            ft.max_marks = std::max(ft.max_marks, marks_.mark_count());
        }
    }

  private:
    void fit(TraceWorkspace& ws) {
        const TraceModel& m = *ws.model();
        const double b = double(m.begin_ns()), e = double(m.end_ns());
        const double pad = std::max(100.0, (e - b) * 0.01);
        ws.window = {b - pad, e + pad};
    }

    void keep_in_bounds(TraceWorkspace& ws, const TraceModel& m) {
        const double b = double(m.begin_ns()), e = double(m.end_ns());
        const double pad = std::max(1000.0, (e - b) * 0.05);
        ws.window.clamp_to(b - pad, e + pad);
    }

    // Benchmark mode: zooms in and out continuously so every frame prepares
    // a new level of detail.
    void animate(TraceWorkspace& ws, const TraceModel& m, double now) {
        const double whole = double(m.end_ns() - m.begin_ns());
        const double phase = std::fmod(now, 8.0) / 8.0; // 8 s per cycle
        const double zoom = std::pow(1e-5, 0.5 - 0.5 * std::cos(phase * 2 * M_PI));
        const double span = std::max(1000.0, whole * zoom);
        const double centre = double(m.begin_ns()) + whole * (0.3 + 0.4 * phase);
        ws.window = {centre - span / 2, centre + span / 2};
    }

    void draw_toolbar(TraceWorkspace& ws, const TraceModel& m) {
        if (ImGui::Button("Fit")) fit(ws);
        ImGui::SameLine();
        draw_filter_button(ws);
        ImGui::SameLine();
        ImGui::Checkbox("follow replay", &follow_);
        ImGui::SameLine();
        const std::size_t marks = marks_.mark_count();
        ImGui::TextDisabled(
            "%s in view, %s per px | %zu tracks, %zu marks, prepared in %.2f ms | "
            "%llu records, %llu calls",
            short_time(ws.window.span()).c_str(),
            short_time(ws.window.ns_per_px(last_width_)).c_str(), marks_.tracks.size(), marks,
            prepare_ms_, (unsigned long long)m.record_count(), (unsigned long long)m.span_count());
    }

    void draw_ruler(TraceWorkspace& ws, const TraceModel& m, float width) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float x0 = p.x + kLabelW;
        ImGui::InvisibleButton("ruler", ImVec2(width + kLabelW, kRulerH));
        const bool hovered = ImGui::IsItemHovered();
        dl->AddRectFilled(ImVec2(x0, p.y), ImVec2(x0 + width, p.y + kRulerH),
                          IM_COL32(40, 40, 46, 255));
        // Ticks at the first 1-2-5 step giving 100 px or more between labels.
        const double ns_px = ws.window.ns_per_px(width);
        const double target = ns_px * 100;
        double step = std::pow(10.0, std::floor(std::log10(target)));
        for (double k : {1.0, 2.0, 5.0, 10.0})
            if (step * k >= target) {
                step *= k;
                break;
            }
        const double first = std::ceil(ws.window.start_ns / step) * step;
        for (double t = first; t < ws.window.end_ns; t += step) {
            const float x = x0 + float(ws.window.x_of(t, width));
            dl->AddLine(ImVec2(x, p.y + kRulerH - 6), ImVec2(x, p.y + kRulerH),
                        IM_COL32(160, 160, 170, 255));
            dl->AddText(ImVec2(x + 2, p.y + 2), IM_COL32(170, 170, 180, 255),
                        short_time(t).c_str());
        }
        // Scrub: click or drag on the ruler moves the replay.
        if (ImGui::IsItemActive() && ImGui::IsMouseDown(0)) {
            const double t = ws.window.time_at(ImGui::GetIO().MousePos.x - x0, width);
            ws.scrub.seek_time(u64(std::clamp(t, 0.0, double(m.end_ns()))));
        }
        if (hovered)
            ImGui::SetTooltip(
                "click or drag to move the replay here (%s)",
                format_time(
                    u64(std::max(0.0, ws.window.time_at(ImGui::GetIO().MousePos.x - x0, width))))
                    .c_str());
        const float cx = x0 + float(ws.window.x_of(double(ws.scrub.time_ns()), width));
        if (cx >= x0 && cx <= x0 + width)
            dl->AddTriangleFilled(ImVec2(cx - 5, p.y), ImVec2(cx + 5, p.y), ImVec2(cx, p.y + 8),
                                  kCursorColour);
        last_width_ = width;
    }

    float track_height(const TraceModel& m, const TrackMarks& tm) const {
        const std::size_t lanes = std::max<std::size_t>(1, m.tracks()[tm.track].levels.size());
        return float(lanes) * kLaneH + kTickH + kTrackGap;
    }

    void draw_tracks(TraceWorkspace& ws, const TraceModel& m, float width) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const float x0 = origin.x + kLabelW;
        float total_h = 0;
        for (const TrackMarks& tm : marks_.tracks)
            total_h += track_height(m, tm);
        total_h = std::max(total_h, ImGui::GetContentRegionAvail().y);
        ImGui::InvisibleButton("plot", ImVec2(width + kLabelW, total_h));
        const bool hovered = ImGui::IsItemHovered();
        ImGuiIO& io = ImGui::GetIO();

        // Zoom and pan before anything else reads the window this frame.
        if (hovered && io.MouseWheel != 0) {
            ws.window.zoom(io.MouseWheel > 0 ? 0.8 : 1.25, io.MousePos.x - x0, width);
            animate_ = false;
        }
        if (ImGui::IsItemActive() && ImGui::IsMouseDragging(0, 2)) {
            ws.window.pan_px(io.MouseDelta.x, width);
            dragged_ = true;
            animate_ = false;
        }

        const ImVec2 clip_min(x0, origin.y), clip_max(x0 + width, origin.y + total_h);
        float y = origin.y;
        const u32 selected = ws.selected.value_or(kNoRecord);
        SpanRef sel_span;
        const bool have_sel = selected != kNoRecord && find_call_span(m, selected, sel_span);
        Hit hit;
        for (const TrackMarks& tm : marks_.tracks) {
            const Track& t = m.tracks()[tm.track];
            const float h = track_height(m, tm);
            dl->AddText(ImVec2(origin.x + 4, y + 1), IM_COL32(210, 210, 220, 255),
                        t.name().c_str());
            dl->AddLine(ImVec2(origin.x, y + h - kTrackGap / 2),
                        ImVec2(x0 + width, y + h - kTrackGap / 2), IM_COL32(60, 60, 66, 255));
            dl->PushClipRect(clip_min, clip_max, true);
            for (std::size_t l = 0; l < tm.levels.size(); l++) {
                const float ly = y + float(l) * kLaneH;
                for (const SpanMark& mk : tm.levels[l]) {
                    const float a = clampx(mk.x0, width), b = clampx(mk.x1, width);
                    const float bw = std::max(b, a + 1.0f);
                    ImU32 col;
                    if (mk.folded()) {
                        // Grey, denser runs brighter.
                        const float density = float(mk.count) / std::max(1.0f, b - a);
                        const float v = 0.35f + 0.2f * std::min(1.0f, std::log10(1 + density));
                        col = ImGui::ColorConvertFloat4ToU32(ImVec4(v, v, v + 0.03f, 1));
                    } else {
                        col = call_colour(m.call_nr(mk.call), mk.flags & kSpanOpen ? 0.55f : 1.0f);
                    }
                    dl->AddRectFilled(ImVec2(x0 + a, ly + 1), ImVec2(x0 + bw, ly + kLaneH - 1),
                                      col);
                    if (!mk.folded() && (mk.flags & kSpanFailed))
                        dl->AddRectFilled(ImVec2(x0 + a, ly + 1), ImVec2(x0 + bw, ly + 4),
                                          kFailedColour);
                    if (!mk.folded() && bw - a > 50) {
                        const std::string label = m.call_name(mk.call);
                        dl->AddText(ImVec2(x0 + std::max(a, 0.0f) + 3, ly + 1),
                                    IM_COL32(15, 15, 20, 255), label.c_str());
                    }
                    if (have_sel && sel_span.track == tm.track && sel_span.level == l &&
                        mk.span <= sel_span.index && sel_span.index < mk.span + mk.count)
                        dl->AddRect(ImVec2(x0 + a - 1, ly), ImVec2(x0 + bw + 1, ly + kLaneH),
                                    kSelectedColour, 0, 0, 2);
                    if (hovered && io.MousePos.y >= ly && io.MousePos.y < ly + kLaneH &&
                        io.MousePos.x >= x0 + a - 1 && io.MousePos.x <= x0 + bw + 1)
                        hit = {&tm, int(l), &mk, nullptr};
                }
            }
            const float iy = y + float(std::max<std::size_t>(1, tm.levels.size())) * kLaneH;
            for (const InstantMark& im : tm.instants) {
                const float x = x0 + clampx(im.x, width);
                const float w = im.count > 1 ? 2.0f : 1.0f;
                dl->AddRectFilled(ImVec2(x, iy), ImVec2(x + w, iy + kTickH),
                                  record_type_colour(im.type));
                if (hovered && io.MousePos.y >= iy && io.MousePos.y < iy + kTickH &&
                    std::fabs(io.MousePos.x - x) <= 2)
                    hit = {&tm, -1, nullptr, &im};
            }
            dl->PopClipRect();
            y += h;
        }
        // The replay position across every track.
        const float cx = x0 + float(ws.window.x_of(double(ws.scrub.time_ns()), width));
        // A filled rectangle, not a line: no anti-aliased fringe, so the
        // colour is exact (the GUI test finds the cursor by it).
        if (cx >= x0 && cx <= x0 + width) {
            const float fx = std::floor(cx);
            dl->AddRectFilled(ImVec2(fx, origin.y), ImVec2(fx + 2, y), kCursorColour);
        }
        if (follow_ && ws.scrub.playing() &&
            (double(ws.scrub.time_ns()) < ws.window.start_ns ||
             double(ws.scrub.time_ns()) > ws.window.end_ns))
            ws.window.centre_on(double(ws.scrub.time_ns()));

        if (hovered) tooltip(m, hit, width);
        if (ImGui::IsItemDeactivated() && !dragged_) click(ws, m, hit, width, false);
        if (hovered && ImGui::IsMouseDoubleClicked(0)) click(ws, m, hit, width, true);
        if (!ImGui::IsItemActive()) dragged_ = false;
    }

    struct Hit {
        const TrackMarks* track = nullptr;
        int level = -1;
        const SpanMark* span = nullptr;
        const InstantMark* instant = nullptr;
    };

    const Span& span_of(const TraceModel& m, const Hit& h) const {
        return m.tracks()[h.track->track].levels[std::size_t(h.level)].spans[h.span->span];
    }

    void tooltip(const TraceModel& m, const Hit& h, float width) {
        if (h.span && !h.span->folded()) {
            const Span& s = span_of(m, h);
            ImGui::BeginTooltip();
            ImGui::Text("%s", m.call_name(s.call).c_str());
            ImGui::Text("%s at %s s", format_duration(s.duration_ns).c_str(),
                        format_time(s.start_ns).c_str());
            if (s.flags & kSpanOpen) {
                ImGui::Text("still running at the end of the trace");
            } else {
                ImGui::Text("result %s", format_result(s.result).c_str());
            }
            ImGui::TextDisabled("record %u; click: details, double-click: replay here", s.entry);
            ImGui::EndTooltip();
        } else if (h.span) {
            const double t0 = marks_.window.time_at(h.span->x0, width);
            const double t1 = marks_.window.time_at(h.span->x1, width);
            ImGui::SetTooltip("%u calls folded over %s (none wider than a pixel)\nclick to zoom in",
                              h.span->count, short_time(t1 - t0).c_str());
        } else if (h.instant) {
            ImGui::SetTooltip(
                "%s%s\nrecord %u", trace::record_type_name(h.instant->type).c_str(),
                h.instant->count > 1
                    ? (" and " + std::to_string(h.instant->count - 1) + " more").c_str()
                    : "",
                h.instant->record);
        }
    }

    void click(TraceWorkspace& ws, const TraceModel& m, const Hit& h, float width, bool twice) {
        if (h.span && h.span->folded()) {
            const double t0 = marks_.window.time_at(h.span->x0, width);
            const double t1 = marks_.window.time_at(h.span->x1, width);
            const double pad = std::max(200.0, (t1 - t0) * 0.1);
            ws.window = {t0 - pad, t1 + pad};
            return;
        }
        u32 record = kNoRecord;
        if (h.span) record = span_of(m, h).entry;
        if (h.instant) record = h.instant->record;
        if (record == kNoRecord) return;
        if (twice) {
            ws.seek_to(record);
        } else {
            ws.select(record);
        }
    }

    TimelineMarks marks_;
    double prepare_ms_ = 0;
    float last_width_ = 1000;
    bool follow_ = true;
    bool dragged_ = false;
    bool animate_ = false;
};

} // namespace
GLASS_REGISTER_PANEL(TimelinePanel);
} // namespace glass::gui
