// Replay: play, pause, step and scrub through a trace. The position (how
// many records are applied) drives the replay engine, whose state every
// other panel shows as if it were live. Keys (when no text field has the
// keyboard): Space play/pause, Left/Right step one record (Shift: 100),
// Home/End.
//
// This file also registers the trace opener (gui/session/session.hpp), so a
// workbench built with the trace panels turns --trace FILE into replay mode.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/panels/trace_widgets.hpp"
#include "gui/trace_view/record_details.hpp"
#include "traces/names.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>

namespace glass::gui {
namespace {

using namespace glass::tv;

const bool kOpenerRegistered = [] {
    set_trace_opener(open_replay_source);
    return true;
}();

class ReplayPanel final : public Panel {
  public:
    const char* name() const override { return "Replay"; }
    Tile default_tile() const override { return Tile::Bottom; }
    int order() const override { return 39; }
    char shortcut() const override { return 'Y'; }

    void update(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        // Loading, or playing: every panel changes without input.
        if (ws.status() == TraceWorkspace::Status::Loading) wb.animate();
        if (ws.status() != TraceWorkspace::Status::Ready) return;
        if (ws.scrub.playing()) wb.animate();
        const ImGuiIO& io = ImGui::GetIO();
        if (io.WantTextInput) return;
        const std::int64_t n = io.KeyShift ? 100 : 1;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) ws.scrub.toggle();
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) step(ws, n);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) step(ws, -n);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) ws.scrub.seek_start();
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) ws.scrub.seek_end();
    }

    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (ws.status() != TraceWorkspace::Status::Ready) return PanelCommand::Wait;
        long long n = 0;
        double x = 0;
        if (std::sscanf(text.c_str(), "step %lld", &n) == 1) {
            step(ws, n);
        } else if (std::sscanf(text.c_str(), "seek %lld", &n) == 1 && n >= 0) {
            ws.seek_to(u32(n));
        } else if (std::sscanf(text.c_str(), "fraction %lf", &x) == 1) {
            ws.scrub.seek_fraction(x);
        } else if (std::sscanf(text.c_str(), "speed %lf", &x) == 1) {
            ws.scrub.set_speed(x);
        } else if (text == "play") {
            ws.scrub.play();
        } else if (text == "pause") {
            ws.scrub.pause();
        } else if (text == "wait-state") {
            // Until the state panels show the replay position.
            auto c = ws.replay();
            if (!c || !c->has_engine()) return PanelCommand::Done;
            return c->shown() == ws.scrub.applied() && !c->busy() ? PanelCommand::Done
                                                                  : PanelCommand::Wait;
        } else {
            error = "replay commands: step N, seek RECORD, fraction F, speed X, play, pause, "
                    "wait-state";
            return PanelCommand::Failed;
        }
        return PanelCommand::Done;
    }

    void draw(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (!trace_ready(ws)) return;
        const TraceModel& m = *ws.model();
        ScrubState& s = ws.scrub;

        if (ImGui::Button("|<")) s.seek_start();
        ImGui::SameLine();
        if (ImGui::Button("<")) step(ws, -1);
        ImGui::SameLine();
        if (ImGui::Button(s.playing() ? "Pause" : "Play", ImVec2(60, 0))) s.toggle();
        ImGui::SameLine();
        if (ImGui::Button(">")) step(ws, 1);
        ImGui::SameLine();
        if (ImGui::Button(">|")) s.seek_end();
        ImGui::SameLine();
        ImGui::Checkbox("step through filtered records", &filtered_steps_);
        ImGui::SameLine();
        // Speed on a log scale: trace time per wall second.
        float lg = float(std::log10(s.speed()));
        ImGui::SetNextItemWidth(180);
        char speed[48];
        std::snprintf(speed, sizeof speed, "speed %.3gx", s.speed());
        if (ImGui::SliderFloat("##speed", &lg, -6, 1, speed)) s.set_speed(std::pow(10.0, lg));
        ImGui::SameLine();
        if (ws.selected && ImGui::Button("To selected")) ws.seek_to(*ws.selected);

        // Scrub bar over trace time.
        const double span = double(std::max<u64>(1, m.end_ns() - m.begin_ns()));
        float frac = float((double(s.time_ns()) - double(m.begin_ns())) / span);
        ImGui::SetNextItemWidth(-1);
        char label[96];
        std::snprintf(label, sizeof label, "%s s   record %llu of %llu",
                      format_time(s.time_ns()).c_str(), (unsigned long long)s.applied(),
                      (unsigned long long)s.record_count());
        if (ImGui::SliderFloat("##scrub", &frac, 0, 1, label)) s.seek_fraction(frac);

        const u32 cur = s.current_record();
        if (cur == kNoRecord) {
            ImGui::TextDisabled("At the start: the state is the trace's initial snapshot.");
        } else {
            const RecordRow& r = m.row(cur);
            ImGui::Text(
                "Last applied: #%u %s on %s%s", cur, trace::record_type_name(r.type).c_str(),
                r.domain == trace::kDomainHypervisor
                    ? "the hypervisor"
                    : ("d" + std::to_string(r.domain) + "v" + std::to_string(r.vcpu)).c_str(),
                r.call != kNoCall ? (" (" + m.call_name(r.call) + ")").c_str() : "");
            ImGui::SameLine();
            if (ImGui::SmallButton("details")) ws.select(cur);
        }
        draw_engine(ws);
    }

  private:
    void step(TraceWorkspace& ws, std::int64_t n) {
        if (!filtered_steps_) {
            ws.scrub.step(n);
        } else {
            for (std::int64_t i = 0; i < std::abs(n); i++)
                if (!ws.scrub.step_matching(ws.filtered(), n > 0 ? 1 : -1)) break;
        }
    }

    void draw_engine(TraceWorkspace& ws) {
        auto c = ws.replay();
        if (!c) {
            ImGui::TextDisabled("No replay state for this session.");
            return;
        }
        if (!c->has_engine()) {
            ImGui::TextColored(ImVec4(1, 0.75f, 0.3f, 1),
                               "State panels are empty: %s. The trace panels work on the "
                               "records alone.",
                               c->no_engine_reason().c_str());
            return;
        }
        if (c->busy()) {
            ImGui::Text("Replaying to record %llu ...", (unsigned long long)c->requested());
        } else {
            ImGui::Text("State panels show the machine after %llu records.",
                        (unsigned long long)c->shown());
        }
        if (std::string e = c->error(); !e.empty())
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", e.c_str());
        auto divs = c->divergences();
        if (!divs.empty() && ImGui::CollapsingHeader("Divergences from the recording")) {
            for (const std::string& d : divs)
                ImGui::BulletText("%s", d.c_str());
        }
    }

    bool filtered_steps_ = false;
};

} // namespace
GLASS_REGISTER_PANEL(ReplayPanel);
} // namespace glass::gui
