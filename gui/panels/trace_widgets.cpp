#include "gui/panels/trace_widgets.hpp"

#include "gui/app/workbench.hpp"
#include "traces/names.hpp"

#include <algorithm>
#include <cmath>
#include <time.h>

namespace glass::gui {

using namespace glass::tv;

TraceWorkspace& trace_ws(Workbench& wb) {
    TraceWorkspace& ws = trace_workspace();
    ws.follow(wb.session());
    ws.poll(wb.now());
    return ws;
}

TimelineFrameTimes& timeline_frame_times() {
    static TimelineFrameTimes t;
    return t;
}

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

namespace {

ImU32 hsv(float h, float s, float v, float a) {
    float r, g, b;
    ImGui::ColorConvertHSVtoRGB(h, s, v, r, g, b);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, a));
}

} // namespace

ImU32 call_colour(u32 nr, float alpha) {
    // Golden-ratio hues keep neighbouring numbers apart.
    const float h = std::fmod(0.13f + float(nr) * 0.618034f, 1.0f);
    return hsv(h, 0.55f, 0.85f, alpha);
}

ImU32 record_type_colour(u8 type) {
    switch (static_cast<trace::RecordType>(type)) {
    case trace::RecordType::ExceptionBounce:
        return IM_COL32(240, 120, 60, 255);
    case trace::RecordType::EventSend:
        return IM_COL32(90, 200, 240, 255);
    case trace::RecordType::EventUpcall:
        return IM_COL32(60, 130, 250, 255);
    case trace::RecordType::PageTypeChange:
        return IM_COL32(200, 110, 230, 255);
    case trace::RecordType::DomainEvent:
        return IM_COL32(250, 230, 80, 255);
    case trace::RecordType::Schedule:
        return IM_COL32(150, 150, 150, 255);
    case trace::RecordType::FaultInjected:
        return IM_COL32(255, 60, 60, 255);
    case trace::RecordType::LostRecords:
        return IM_COL32(255, 0, 255, 255);
    case trace::RecordType::Checkpoint:
        return IM_COL32(120, 230, 120, 255);
    default:
        return IM_COL32(200, 200, 200, 255);
    }
}

bool trace_ready(TraceWorkspace& ws) {
    switch (ws.status()) {
    case TraceWorkspace::Status::None:
        ImGui::TextDisabled("No trace open. Start the workbench with --trace FILE, or open one "
                            "from the Connection panel.");
        return false;
    case TraceWorkspace::Status::Loading: {
        LoadProgress p = ws.progress();
        const float f = p.records_total ? float(p.records_done) / float(p.records_total) : 0;
        ImGui::Text("Loading %s ...", ws.path().c_str());
        ImGui::ProgressBar(f, ImVec2(-1, 0));
        return false;
    }
    case TraceWorkspace::Status::Failed:
        ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "Cannot open the trace: %s",
                           ws.error().c_str());
        return false;
    case TraceWorkspace::Status::Ready:
        return true;
    }
    return false;
}

std::string filter_summary(const TraceModel& m, const TraceFilter& f) {
    if (f.empty()) return "";
    std::string s;
    auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
    for (u16 d : f.hidden_domains)
        add("no d" + std::to_string(d));
    for (auto [d, v] : f.hidden_vcpus)
        add("no d" + std::to_string(d) + "v" + std::to_string(v));
    if (f.hidden_calls.any())
        add(std::to_string(f.hidden_calls.count()) + " of " + std::to_string(m.call_kinds()) +
            " hypercalls hidden");
    if (f.hidden_types.any()) add(std::to_string(f.hidden_types.count()) + " record types hidden");
    switch (f.result) {
    case ResultFilter::Any:
        break;
    case ResultFilter::Success:
        add("successes only");
        break;
    case ResultFilter::Failure:
        add("failures only");
        break;
    case ResultFilter::Errno:
        add("only -" + std::to_string(f.errno_value));
        break;
    }
    return s;
}

void draw_filter_button(TraceWorkspace& ws) {
    const TraceModel* m = ws.model();
    if (!m) return;
    TraceFilter f = ws.filter();
    const std::string summary = filter_summary(*m, f);
    if (ImGui::Button(summary.empty() ? "Filter" : "Filter*")) ImGui::OpenPopup("trace-filter");
    if (!summary.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", summary.c_str());
    if (ws.filtering()) {
        ImGui::SameLine();
        ImGui::TextDisabled("filtering...");
    }
    if (!ImGui::BeginPopup("trace-filter")) return;
    bool changed = false;
    if (ImGui::Button("Show everything")) {
        f = TraceFilter{};
        changed = true;
    }
    ImGui::Separator();
    ImGui::TextDisabled("Domains and vCPUs");
    for (u16 d : m->domains()) {
        bool shown = std::find(f.hidden_domains.begin(), f.hidden_domains.end(), d) ==
                     f.hidden_domains.end();
        std::string label = d == trace::kDomainHypervisor ? "hypervisor" : "d" + std::to_string(d);
        if (ImGui::Checkbox(label.c_str(), &shown)) {
            changed = true;
            if (shown) {
                f.hidden_domains.erase(
                    std::remove(f.hidden_domains.begin(), f.hidden_domains.end(), d),
                    f.hidden_domains.end());
            } else {
                f.hidden_domains.push_back(d);
            }
        }
        if (d == trace::kDomainHypervisor) continue;
        for (const Track& t : m->tracks()) {
            if (t.domain != d) continue;
            ImGui::SameLine();
            std::pair<u16, u16> key{t.domain, t.vcpu};
            bool vshown = std::find(f.hidden_vcpus.begin(), f.hidden_vcpus.end(), key) ==
                          f.hidden_vcpus.end();
            std::string vl = "v" + std::to_string(t.vcpu) + "##d" + std::to_string(d);
            if (ImGui::Checkbox(vl.c_str(), &vshown)) {
                changed = true;
                if (vshown) {
                    f.hidden_vcpus.erase(
                        std::remove(f.hidden_vcpus.begin(), f.hidden_vcpus.end(), key),
                        f.hidden_vcpus.end());
                } else {
                    f.hidden_vcpus.push_back(key);
                }
            }
        }
    }
    ImGui::Separator();
    ImGui::TextDisabled("Hypercalls");
    if (ImGui::SmallButton("all")) {
        f.hidden_calls.reset();
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("none")) {
        for (std::size_t k = 0; k < m->call_kinds(); k++)
            f.hidden_calls.set(k);
        changed = true;
    }
    std::vector<CallKind> kinds;
    for (std::size_t k = 0; k < m->call_kinds(); k++)
        kinds.push_back(CallKind(k));
    std::sort(kinds.begin(), kinds.end(),
              [&](CallKind a, CallKind b) { return m->call_nr(a) < m->call_nr(b); });
    int col = 0;
    for (CallKind k : kinds) {
        bool shown = !f.hidden_calls[k];
        if (col++ % 3) ImGui::SameLine(float(col % 3 == 2 ? 190 : 380));
        ImGui::PushStyleColor(ImGuiCol_CheckMark, call_colour(m->call_nr(k)));
        if (ImGui::Checkbox(m->call_name(k).c_str(), &shown)) {
            f.hidden_calls.set(k, !shown);
            changed = true;
        }
        ImGui::PopStyleColor();
    }
    ImGui::Separator();
    ImGui::TextDisabled("Result");
    int r = int(f.result);
    const char* results[] = {"any", "success (>= 0)", "failure (< 0)", "exactly -errno"};
    ImGui::SetNextItemWidth(160);
    if (ImGui::Combo("##result", &r, results, 4)) {
        f.result = ResultFilter(r);
        changed = true;
    }
    if (f.result == ResultFilter::Errno) {
        ImGui::SameLine();
        int e = f.errno_value;
        ImGui::SetNextItemWidth(100);
        if (ImGui::InputInt("errno", &e)) {
            f.errno_value = std::int16_t(std::clamp(e, 0, 32767));
            changed = true;
        }
    }
    ImGui::Separator();
    ImGui::TextDisabled("Record types (table, instants, stepping)");
    col = 0;
    for (u8 t = 1; t <= u8(trace::RecordType::Checkpoint); t++) {
        bool shown = !f.hidden_types[t];
        if (col++ % 3) ImGui::SameLine(float(col % 3 == 2 ? 190 : 380));
        if (ImGui::Checkbox(trace::record_type_name(t).c_str(), &shown)) {
            f.hidden_types.set(t, !shown);
            changed = true;
        }
    }
    if (changed) ws.set_filter(f);
    ImGui::EndPopup();
}

} // namespace glass::gui
