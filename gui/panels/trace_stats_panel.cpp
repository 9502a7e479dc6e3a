// Trace statistics: per hypercall and per domain, the number of calls,
// failures and latency percentiles (the same numbers as `glass trace
// stats`), with a latency histogram on a log scale for the selected row.
// Over the whole trace or only what the timeline shows; the filter applies.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/panels/trace_widgets.hpp"
#include "gui/trace_view/record_details.hpp"
#include "traces/names.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace glass::gui {
namespace {

using namespace glass::tv;

std::string ns_text(double ns) {
    return format_duration(u64(std::max(0.0, ns)));
}

// Bars of a histogram over its used bins, with the edges labelled.
void draw_histogram(const LatencyHistogram& h, ImU32 colour, ImVec2 size, bool labels) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("hist", size);
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(30, 30, 34, 255));
    auto [lo, hi] = h.used_range();
    if (lo >= hi) return;
    u64 peak = 1;
    for (int b = lo; b < hi; b++)
        peak = std::max(peak, h.bins[std::size_t(b)]);
    const float label_h = labels ? ImGui::GetTextLineHeight() : 0;
    const float bar_w = size.x / float(hi - lo);
    const float plot_h = size.y - label_h - 2;
    int hovered = -1;
    for (int b = lo; b < hi; b++) {
        const u64 n = h.bins[std::size_t(b)];
        // Counts on a log scale: one slow call in a million must still show.
        const float f = n ? float(std::log1p(double(n)) / std::log1p(double(peak))) : 0;
        const float x = p.x + float(b - lo) * bar_w;
        dl->AddRectFilled(ImVec2(x, p.y + plot_h * (1 - f)),
                          ImVec2(x + std::max(1.0f, bar_w - 1), p.y + plot_h), colour);
        if (ImGui::IsItemHovered() && ImGui::GetIO().MousePos.x >= x &&
            ImGui::GetIO().MousePos.x < x + bar_w)
            hovered = b;
    }
    if (labels) {
        for (int b = lo; b < hi; b += std::max(1, (hi - lo) / 6)) {
            const float x = p.x + float(b - lo) * bar_w;
            dl->AddText(ImVec2(x, p.y + size.y - label_h), IM_COL32(170, 170, 180, 255),
                        ns_text(LatencyHistogram::bin_low_ns(b)).c_str());
        }
    }
    if (hovered >= 0)
        ImGui::SetTooltip("%s .. %s: %llu calls",
                          ns_text(LatencyHistogram::bin_low_ns(hovered)).c_str(),
                          ns_text(LatencyHistogram::bin_high_ns(hovered)).c_str(),
                          (unsigned long long)h.bins[std::size_t(hovered)]);
}

class TraceStatsPanel final : public Panel {
  public:
    const char* name() const override { return "Trace statistics"; }
    Tile default_tile() const override { return Tile::Right; }
    int order() const override { return 42; }

    void update(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (ws.status() != TraceWorkspace::Status::Ready) return;
        if (!visible_only_) {
            ws.request_stats(std::nullopt);
            return;
        }
        // Recompute for the visible window once it has settled.
        const TimeRange r{u64(std::max(0.0, ws.window.start_ns)),
                          u64(std::max(0.0, ws.window.end_ns))};
        if (r.start_ns != pending_.start_ns || r.end_ns != pending_.end_ns) {
            pending_ = r;
            changed_at_ = wb.now();
        } else if (wb.now() - changed_at_ > 0.25) {
            ws.request_stats(r);
        }
    }

    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (text == "wait-ready") {
            if (ws.status() != TraceWorkspace::Status::Ready) return PanelCommand::Wait;
            ws.request_stats(visible_only_ ? std::optional<TimeRange>(pending_) : std::nullopt);
            return ws.stats() && !ws.stats_busy() ? PanelCommand::Done : PanelCommand::Wait;
        }
        error = "trace statistics commands: wait-ready";
        return PanelCommand::Failed;
    }

    void draw(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (!trace_ready(ws)) return;
        const TraceModel& m = *ws.model();
        draw_filter_button(ws);
        ImGui::SameLine();
        ImGui::Checkbox("visible range only", &visible_only_);
        const StatsView* sv = ws.stats();
        if (ws.stats_busy()) {
            ImGui::SameLine();
            ImGui::TextDisabled("computing...");
        }
        if (!sv) return;
        ImGui::SameLine();
        ImGui::TextDisabled("%llu records%s", (unsigned long long)sv->records,
                            sv->range ? " in range" : "");
        if (ImGui::BeginTabBar("stats-tabs")) {
            if (ImGui::BeginTabItem("By hypercall")) {
                draw_calls(ws, m, *sv);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("By domain")) {
                draw_domains(*sv);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
    }

  private:
    void latency_columns(const trace::Latency& l) {
        for (u64 v : {l.p50, l.p90, l.p99, l.max}) {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(ns_text(double(v)).c_str());
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ns_text(l.mean).c_str());
    }

    void draw_calls(TraceWorkspace& ws, const TraceModel& m, const StatsView& sv) {
        ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_Resizable;
        const float h = std::max(120.0f, ImGui::GetContentRegionAvail().y - 150);
        if (ImGui::BeginTable("calls", 9, flags, ImVec2(0, h))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            for (const char* c :
                 {"hypercall", "calls", "failed", "p50", "p90", "p99", "max", "mean"})
                ImGui::TableSetupColumn(c);
            ImGui::TableSetupColumn("latency", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableHeadersRow();
            for (const CallStats& cs : sv.calls) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::PushID(int(cs.nr));
                ImGui::PushStyleColor(ImGuiCol_Text, call_colour(cs.nr));
                if (ImGui::Selectable(cs.name.c_str(), selected_call_ == cs.nr,
                                      ImGuiSelectableFlags_SpanAllColumns))
                    selected_call_ = cs.nr;
                ImGui::PopStyleColor();
                if (ImGui::BeginPopupContextItem("call-menu")) {
                    if (ImGui::MenuItem("Show only this hypercall")) {
                        TraceFilter f = ws.filter();
                        for (std::size_t k = 0; k < m.call_kinds(); k++)
                            f.hidden_calls.set(k, CallKind(k) != cs.kind);
                        ws.set_filter(f);
                    }
                    if (ImGui::MenuItem("Hide this hypercall")) {
                        TraceFilter f = ws.filter();
                        f.hidden_calls.set(cs.kind);
                        ws.set_filter(f);
                    }
                    ImGui::EndPopup();
                }
                ImGui::TableNextColumn();
                ImGui::Text("%llu", (unsigned long long)cs.calls);
                ImGui::TableNextColumn();
                if (cs.failures) {
                    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%llu",
                                       (unsigned long long)cs.failures);
                } else {
                    ImGui::TextDisabled("0");
                }
                latency_columns(cs.latency);
                ImGui::TableNextColumn();
                draw_histogram(cs.histogram, call_colour(cs.nr),
                               ImVec2(std::max(60.0f, ImGui::GetContentRegionAvail().x),
                                      ImGui::GetTextLineHeight()),
                               false);
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        const CallStats* pick = nullptr;
        for (const CallStats& cs : sv.calls)
            if (cs.nr == selected_call_) pick = &cs;
        if (pick) {
            ImGui::Text("%s latency, %llu calls (right-click a row to filter by it)",
                        pick->name.c_str(), (unsigned long long)pick->calls);
            draw_histogram(pick->histogram, call_colour(pick->nr),
                           ImVec2(ImGui::GetContentRegionAvail().x, 110), true);
        } else {
            ImGui::Text("All calls' latency (click a hypercall for its own)");
            draw_histogram(sv.all, IM_COL32(150, 180, 220, 255),
                           ImVec2(ImGui::GetContentRegionAvail().x, 110), true);
        }
    }

    void draw_domains(const StatsView& sv) {
        ImGuiTableFlags flags =
            ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
        if (!ImGui::BeginTable("domains", 10, flags)) return;
        for (const char* c :
             {"domain", "records", "calls", "failed", "p50", "p90", "p99", "max", "mean"})
            ImGui::TableSetupColumn(c);
        ImGui::TableSetupColumn("latency", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const DomainStats& ds : sv.domains) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (ds.domain == trace::kDomainHypervisor) {
                ImGui::TextUnformatted("hypervisor");
            } else {
                ImGui::Text("d%u", ds.domain);
            }
            ImGui::TableNextColumn();
            ImGui::Text("%llu", (unsigned long long)ds.records);
            ImGui::TableNextColumn();
            ImGui::Text("%llu", (unsigned long long)ds.calls);
            ImGui::TableNextColumn();
            ImGui::Text("%llu", (unsigned long long)ds.failures);
            latency_columns(ds.latency);
            ImGui::TableNextColumn();
            ImGui::PushID(ds.domain);
            draw_histogram(ds.histogram, IM_COL32(150, 180, 220, 255),
                           ImVec2(std::max(60.0f, ImGui::GetContentRegionAvail().x),
                                  ImGui::GetTextLineHeight()),
                           false);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }

    bool visible_only_ = false;
    TimeRange pending_{};
    double changed_at_ = 0;
    u32 selected_call_ = ~0u;
};

} // namespace
GLASS_REGISTER_PANEL(TraceStatsPanel);
} // namespace glass::gui
