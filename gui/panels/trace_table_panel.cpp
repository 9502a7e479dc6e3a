// Trace table: the filtered records in file order, a page at a time (a
// scroll bar over ten million rows would lose precision), each row read
// from the file only while on screen. Click selects (Record details), a
// double click moves the replay there; "follow replay" keeps the replay's
// current record on screen.
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/panels/trace_widgets.hpp"
#include "gui/trace_view/trace_table.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace glass::gui {
namespace {

using namespace glass::tv;

constexpr u64 kPageRows = 1000;

class TraceTablePanel final : public Panel {
  public:
    const char* name() const override { return "Trace table"; }
    Tile default_tile() const override { return Tile::Bottom; }
    int order() const override { return 41; }
    char shortcut() const override { return 'R'; }

    void update(Workbench& wb) override { trace_ws(wb); }

    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (ws.status() != TraceWorkspace::Status::Ready) return PanelCommand::Wait;
        unsigned long long r = 0;
        if (std::sscanf(text.c_str(), "show %llu", &r) == 1) {
            page_ = ws.filtered().row_position(u32(r)) / kPageRows;
            scroll_to_ = r;
            return PanelCommand::Done;
        }
        error = "trace table commands: show RECORD";
        return PanelCommand::Failed;
    }

    void draw(Workbench& wb) override {
        TraceWorkspace& ws = trace_ws(wb);
        if (!trace_ready(ws)) return;
        const TraceModel& m = *ws.model();
        const FilteredTrace& f = ws.filtered();
        const u64 total = f.row_count();
        const u64 pages = std::max<u64>(1, (total + kPageRows - 1) / kPageRows);

        // Follow the selection and (optionally) the replay position.
        if (ws.selection_generation != seen_selection_ && ws.selected) {
            seen_selection_ = ws.selection_generation;
            show(f, *ws.selected);
        }
        if (follow_ && ws.scrub.generation() != seen_scrub_ &&
            ws.scrub.current_record() != kNoRecord) {
            seen_scrub_ = ws.scrub.generation();
            show(f, ws.scrub.current_record());
        }

        draw_filter_button(ws);
        ImGui::SameLine();
        ImGui::Checkbox("follow replay", &follow_);
        ImGui::SameLine();
        if (ImGui::ArrowButton("prev", ImGuiDir_Left) && page_ > 0) page_--;
        ImGui::SameLine();
        int page = int(std::min<u64>(page_, pages - 1));
        ImGui::SetNextItemWidth(220);
        if (ImGui::SliderInt("##page", &page, 0, int(pages - 1), "page %d")) page_ = u64(page);
        ImGui::SameLine();
        if (ImGui::ArrowButton("next", ImGuiDir_Right) && page_ + 1 < pages) page_++;
        ImGui::SameLine();
        ImGui::SetNextItemWidth(120);
        if (ImGui::InputText("go to record", goto_, sizeof goto_,
                             ImGuiInputTextFlags_EnterReturnsTrue)) {
            unsigned long long r = std::strtoull(goto_, nullptr, 10);
            if (r < m.record_count()) ws.select(u32(r));
        }
        ImGui::SameLine();
        ImGui::TextDisabled("%llu of %llu records", (unsigned long long)total,
                            (unsigned long long)m.record_count());
        page_ = std::min(page_, pages - 1);

        const u64 first = page_ * kPageRows;
        const u64 rows = std::min(kPageRows, total > first ? total - first : 0);
        ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit;
        if (!ImGui::BeginTable("trace", 9, flags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h :
             {"record", "time (s)", "cpu", "dom", "vcpu", "type", "hypercall", "result"})
            ImGui::TableSetupColumn(h);
        ImGui::TableSetupColumn("payload", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(int(rows));
        const u32 sel = ws.selected.value_or(kNoRecord);
        const u32 cur = ws.scrub.current_record();
        if (scroll_to_) {
            const u64 pos = f.row_position(u32(*scroll_to_));
            if (pos >= first && pos < first + rows)
                ImGui::SetScrollY(float(pos - first) * ImGui::GetTextLineHeightWithSpacing());
            scroll_to_.reset();
        }
        ImGui::PushFont(mono_font());
        while (clipper.Step()) {
            auto page_rows = table_page(m, f, ws.store(), first + u64(clipper.DisplayStart),
                                        u64(clipper.DisplayEnd - clipper.DisplayStart));
            for (const TableRow& r : page_rows) {
                ImGui::TableNextRow();
                if (r.record == cur)
                    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(110, 70, 10, 255));
                ImGui::TableNextColumn();
                char label[32];
                std::snprintf(label, sizeof label, "%u", r.record);
                if (ImGui::Selectable(label, r.record == sel,
                                      ImGuiSelectableFlags_SpanAllColumns |
                                          ImGuiSelectableFlags_AllowDoubleClick)) {
                    if (ImGui::IsMouseDoubleClicked(0)) {
                        ws.seek_to(r.record);
                    } else {
                        ws.select(r.record);
                    }
                    seen_selection_ = ws.selection_generation; // no jump: it is on screen
                    ws.reveal(r.record);
                }
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.time.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.cpu.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.domain.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.vcpu.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.type.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.call.c_str());
                ImGui::TableNextColumn();
                if (r.failed) {
                    ImGui::TextColored(ImVec4(1, 0.4f, 0.35f, 1), "%s", r.result.c_str());
                } else {
                    ImGui::TextUnformatted(r.result.c_str());
                }
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.summary.c_str());
            }
        }
        ImGui::PopFont();
        ImGui::EndTable();
    }

  private:
    void show(const FilteredTrace& f, u32 record) {
        const u64 pos = f.row_position(record);
        page_ = pos / kPageRows;
        scroll_to_ = record;
    }

    u64 page_ = 0;
    std::optional<u64> scroll_to_;
    u64 seen_selection_ = 0, seen_scrub_ = 0;
    bool follow_ = false;
    char goto_[24] = "";
};

} // namespace
GLASS_REGISTER_PANEL(TraceTablePanel);
} // namespace glass::gui
