// Record details: the selected record, and when it belongs to a hypercall,
// that call -- arguments by name, result with its errno, latency, the guest
// memory the hypervisor read (mmu_update requests decoded) and the state
// changes recorded while it ran. Links select the call's other records; a
// button moves the replay to just after the call, where every state panel
// shows what it changed.
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/panels/trace_widgets.hpp"
#include "gui/trace_view/record_details.hpp"

#include <imgui.h>

#include <cstdio>
#include <optional>

namespace glass::gui {
namespace {

using namespace glass::tv;

void fields(const char* id, const std::vector<DetailField>& fs) {
    if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) return;
    for (const DetailField& f : fs) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", f.name.c_str());
        ImGui::TableNextColumn();
        ImGui::PushFont(mono_font());
        ImGui::TextUnformatted(f.value.c_str());
        ImGui::PopFont();
    }
    ImGui::EndTable();
}

class RecordDetailsPanel final : public Panel {
  public:
    const char* name() const override { return "Record details"; }
    Tile default_tile() const override { return Tile::Right; }
    int order() const override { return 43; }
    char shortcut() const override { return 'K'; }

    void update(Workbench& wb) override { trace_ws(wb); }

    void draw(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        // A frame clicked in the replayed change opens in the Frame panel.
        if (wb_select_frame_) {
            wb.selection.frame = *wb_select_frame_;
            wb.focus("Frame");
            wb_select_frame_.reset();
        }
        if (!trace_ready(ws)) return;
        if (!ws.selected) {
            ImGui::TextDisabled("Click a call on the Timeline or a row of the Trace table.");
            return;
        }
        if (*ws.selected != shown_ || ws.store() != store_) {
            shown_ = *ws.selected;
            store_ = ws.store();
            if (store_) d_ = describe_record(*ws.model(), *store_, shown_);
        }
        if (!store_) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "The trace file cannot be read again.");
            return;
        }
        if (!d_.error.empty()) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", d_.error.c_str());
            return;
        }
        ImGui::Text("%s", d_.title.c_str());
        ImGui::PushFont(mono_font());
        ImGui::TextWrapped("%s", d_.summary.c_str());
        ImGui::PopFont();
        if (ImGui::Button("Replay to here")) ws.seek_to(shown_);
        ImGui::SameLine();
        if (ImGui::Button("Show on timeline")) ws.reveal(shown_);
        fields("header", d_.header);
        if (!d_.in_call) return;

        const CallDetails& c = d_.call;
        ImGui::Separator();
        ImGui::PushStyleColor(ImGuiCol_Text, call_colour(c.nr));
        ImGui::Text("%s%s", c.name.c_str(), c.in_multicall ? " (in a multicall)" : "");
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::TextDisabled("hypercall %u, %s", c.nr, format_duration(c.duration_ns).c_str());
        ImGui::Text("result:");
        ImGui::SameLine();
        if (c.failed) {
            ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", c.result.c_str());
        } else {
            ImGui::TextUnformatted(c.result.c_str());
        }
        link("entry", c.entry, ws);
        ImGui::SameLine();
        link("exit", c.exit, ws);
        if (!c.open) {
            ImGui::SameLine();
            if (ImGui::SmallButton("Replay past the call")) ws.seek_to(c.exit);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("every state panel then shows what this call changed");
        }
        if (!c.args.empty() && ImGui::CollapsingHeader("Arguments", ImGuiTreeNodeFlags_DefaultOpen))
            fields("args", c.args);
        if (!c.reads.empty() &&
            ImGui::CollapsingHeader("Guest memory read", ImGuiTreeNodeFlags_DefaultOpen)) {
            ImGui::PushFont(mono_font());
            for (const std::string& r : c.reads)
                ImGui::TextUnformatted(r.c_str());
            ImGui::PopFont();
        }
        draw_replayed_change(ws, c);
        if (ImGui::CollapsingHeader("State changes recorded during the call",
                                    ImGuiTreeNodeFlags_DefaultOpen)) {
            if (c.effects.empty()) ImGui::TextDisabled("none recorded");
            for (const auto& e : c.effects) {
                char label[48];
                std::snprintf(label, sizeof label, "#%u##effect", e.record);
                if (ImGui::SmallButton(label)) ws.select(e.record);
                ImGui::SameLine();
                ImGui::PushStyleColor(ImGuiCol_Text,
                                      record_type_colour(ws.model()->row(e.record).type));
                ImGui::TextUnformatted(e.type.c_str());
                ImGui::PopStyleColor();
                ImGui::SameLine();
                ImGui::PushFont(mono_font());
                ImGui::TextUnformatted(e.text.c_str());
                ImGui::PopFont();
            }
        }
    }

  private:
    // What the replay engine says the call changed: the machine before its
    // entry against the machine after its exit.
    void draw_replayed_change(TraceWorkspace& ws, const CallDetails& c) {
        auto cursor = ws.replay();
        if (!cursor || c.open) return;
        if (!ImGui::CollapsingHeader("State change (replayed)", ImGuiTreeNodeFlags_DefaultOpen))
            return;
        const u64 before = c.entry, after = u64(c.exit) + 1;
        auto d = cursor->diff(before, after);
        if (!d) {
            cursor->request_diff(before, after);
            ImGui::TextDisabled("replaying records %llu..%u ...", (unsigned long long)before,
                                c.exit);
            return;
        }
        if (!d->error.empty()) {
            ImGui::TextDisabled("%s", d->error.c_str());
            return;
        }
        if (d->frames.empty() && d->domains.empty())
            ImGui::TextDisabled("no frame or domain changed");
        for (const DomainChange& dc : d->domains)
            ImGui::BulletText("domain %u: %s", dc.id, dc.what.c_str());
        ImGui::PushFont(mono_font());
        std::size_t shown = 0;
        for (const FrameChange& fc : d->frames) {
            if (++shown > 64) {
                ImGui::Text("... %zu more frames", d->frames.size() - 64);
                break;
            }
            std::string line = "mfn " + hex(fc.mfn) + ":";
            const mm::FrameInfo &a = fc.before, &b = fc.after;
            if (classify(a) != classify(b))
                line += std::string(" ") + frame_class_name(classify(a)) + " -> " +
                        frame_class_name(classify(b));
            if (a.type_count != b.type_count)
                line += " type count " + std::to_string(a.type_count) + " -> " +
                        std::to_string(b.type_count);
            if (a.ref_count != b.ref_count)
                line +=
                    " refs " + std::to_string(a.ref_count) + " -> " + std::to_string(b.ref_count);
            if (a.owner != b.owner)
                line += " owner " + std::to_string(a.owner) + " -> " + std::to_string(b.owner);
            if (a.flags != b.flags) line += " flags " + hex(a.flags) + " -> " + hex(b.flags);
            if (ImGui::Selectable(line.c_str())) wb_select_frame_ = fc.mfn;
        }
        ImGui::PopFont();
    }

    static std::string hex(u64 v) {
        char b[24];
        std::snprintf(b, sizeof b, "%#llx", (unsigned long long)v);
        return b;
    }

    void link(const char* what, u32 record, TraceWorkspace& ws) {
        if (record == kNoRecord) {
            ImGui::TextDisabled("%s: none (still running)", what);
            return;
        }
        char label[48];
        std::snprintf(label, sizeof label, "%s #%u", what, record);
        if (ImGui::SmallButton(label)) ws.select(record);
    }

    std::optional<u64> wb_select_frame_;
    u32 shown_ = kNoRecord;
    RecordStore* store_ = nullptr;
    RecordDetails d_;
};

} // namespace
GLASS_REGISTER_PANEL(RecordDetailsPanel);
} // namespace glass::gui
