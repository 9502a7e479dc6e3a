// I/O rings: the selected domain's console, store and block rings, each
// circular buffer drawn as a circle of cells (byte buffers bucketed), the
// outstanding stretch filled, the producer marked outside the circle and
// the consumer inside; beside it the indices with their movement and rate,
// below it the outstanding block requests. Re-read on every state refresh.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/rings_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace glass::gui {
namespace {

constexpr float kPi = 3.14159265f;
constexpr float kRadius = 66, kDepth = 16; // outer radius and width of a circle's cells
// Room for the producer's label outside: wide enough for a name beside the
// circle, tall enough for one above or below it, plus the caption.
constexpr float kAreaW = 2 * (kRadius + 58), kAreaH = 2 * (kRadius + 36) + 16;

// Clockwise from the top, as a clock reads.
ImVec2 at(ImVec2 c, float r, double fraction) {
    float a = -kPi / 2 + 2 * kPi * static_cast<float>(fraction);
    return ImVec2(c.x + r * std::cos(a), c.y + r * std::sin(a));
}

// A triangle whose tip touches radius `tip`, its base at `base`.
void marker(ImDrawList* dl, ImVec2 c, double f, float tip, float base, ImU32 col) {
    float spread = 5.0f / base; // about 10 px wide at the base
    float a = -kPi / 2 + 2 * kPi * static_cast<float>(f);
    ImVec2 t(c.x + tip * std::cos(a), c.y + tip * std::sin(a));
    ImVec2 b1(c.x + base * std::cos(a - spread), c.y + base * std::sin(a - spread));
    ImVec2 b2(c.x + base * std::cos(a + spread), c.y + base * std::sin(a + spread));
    dl->AddTriangleFilled(t, b1, b2, col);
}

void label(ImDrawList* dl, ImVec2 p, const std::string& text, ImU32 col) {
    ImVec2 sz = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(p.x - sz.x / 2, p.y - sz.y / 2), col, text.c_str());
}

void draw_circle(const CircleView& cv, ImU32 empty) {
    ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(kAreaW, kAreaH));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 c(o.x + kAreaW / 2, o.y + kRadius + 36);
    float r0 = kRadius - kDepth, r1 = kRadius;
    size_t cells = cv.fill.size();
    double gap = cells <= 32 ? 0.12 : 0.06; // of a cell: the cells stay countable
    // Quads of at most ~6 degrees, so a 32-cell circle stays round.
    unsigned sub = cells < 64 ? static_cast<unsigned>((64 + cells - 1) / cells) : 1;
    for (size_t i = 0; i < cells; i++) {
        double a0 = (i + gap / 2) / cells, a1 = (i + 1 - gap / 2) / cells;
        float depth = (r1 - r0) * cv.fill[i];
        for (unsigned k = 0; k < sub; k++) {
            double f0 = a0 + (a1 - a0) * k / sub, f1 = a0 + (a1 - a0) * (k + 1) / sub;
            dl->AddQuadFilled(at(c, r0, f0), at(c, r1, f0), at(c, r1, f1), at(c, r0, f1), empty);
            if (depth > 0) // outstanding fills from the inside out, by share
                dl->AddQuadFilled(at(c, r0, f0), at(c, r0 + depth, f0), at(c, r0 + depth, f1),
                                  at(c, r0, f1), kRingOutstanding);
        }
    }
    ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    for (const IndexMark& m : cv.marks) {
        double f = (m.slot + 0.5) / cv.size; // the middle of the slot it names
        switch (m.role) {
        case IndexMark::Role::Producer:
            marker(dl, c, f, r1 + 2, r1 + 14, kRingProducer);
            label(dl, at(c, r1 + 26, f), m.name, text);
            break;
        case IndexMark::Role::Consumer:
            marker(dl, c, f, r0 - 2, r0 - 14, kRingConsumer);
            label(dl, at(c, r0 - 26, f), m.name, text);
            break;
        case IndexMark::Role::Threshold:
            dl->AddLine(at(c, r1 + 1, f), at(c, r1 + 7, f), kRingThreshold, 2);
            break;
        }
    }
    // The caption goes under the circle: its middle is the consumer's.
    std::string caption = cv.name + ": " + std::to_string(cv.outstanding) + " of " +
                          std::to_string(cv.size) + " outstanding";
    label(dl, ImVec2(c.x, o.y + kAreaH - ImGui::GetTextLineHeight() / 2), caption, text);
}

const char* role_name(IndexMark::Role r) {
    switch (r) {
    case IndexMark::Role::Producer:
        return "producer";
    case IndexMark::Role::Consumer:
        return "consumer";
    case IndexMark::Role::Threshold:
        return "event";
    }
    return "";
}

void index_table(const RingView& rv) {
    ImGuiTableFlags tf =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("indices", 6, tf)) return;
    ImGui::TableSetupColumn("index");
    ImGui::TableSetupColumn("end");
    ImGui::TableSetupColumn("value");
    ImGui::TableSetupColumn("slot");
    ImGui::TableSetupColumn("moved");
    ImGui::TableSetupColumn("per second");
    ImGui::TableHeadersRow();
    for (const CircleView& cv : rv.circles)
        for (const IndexMark& m : cv.marks) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(m.name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", role_name(m.role));
            ImGui::TableNextColumn();
            ImGui::Text("%u", m.value);
            ImGui::TableNextColumn();
            ImGui::Text("%u", m.slot);
            ImGui::TableNextColumn();
            if (m.seen_before)
                ImGui::Text("%+lld", static_cast<long long>(m.moved));
            else
                ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            if (m.seen_before)
                ImGui::Text("%.1f", m.rate);
            else
                ImGui::TextDisabled("-");
        }
    ImGui::EndTable();
}

void request_table(const RingView& rv) {
    const auto& reqs = rv.ring.requests;
    ImGui::Text("%zu outstanding request%s", reqs.size(), reqs.size() == 1 ? "" : "s");
    if (reqs.empty()) return;
    ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                         ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
    // At most eight rows tall (a full ring is 32): the other rings stay in view.
    float rows = static_cast<float>(std::min<size_t>(reqs.size(), 8) + 1);
    ImVec2 size(0, rows * ImGui::GetTextLineHeightWithSpacing() +
                       2 * ImGui::GetStyle().CellPadding.y * rows);
    if (!ImGui::BeginTable("requests", 6, tf, size)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {"index", "slot", "op", "id", "sector", "segments"})
        ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const RingRequestSnapshot& q : reqs) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%u", q.index);
        ImGui::TableNextColumn();
        ImGui::Text("%u", q.slot);
        ImGui::TableNextColumn();
        if (q.op.rfind("answered", 0) == 0) { // the slot holds a response: no fields to show
            ImGui::TextDisabled("%s", q.op.c_str());
            continue;
        }
        ImGui::TextUnformatted(q.op.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(q.id));
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(q.sector));
        ImGui::TableNextColumn();
        ImGui::Text("%u", q.nr_segments);
    }
    ImGui::EndTable();
}

void draw_ring(const RingView& rv) {
    const RingSnapshot& r = rv.ring;
    ImGui::Text("%s", r.kind.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("mfn %#llx, event port %u, found by %s",
                        static_cast<unsigned long long>(r.mfn), r.event_port, r.found_by.c_str());
    if (!r.state.empty()) ImGui::Text("state: %s", r.state.c_str());
    if (!rv.problem.empty())
        ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "problem: %s", rv.problem.c_str());
    if (rv.circles.empty()) {
        if (r.kind == "store")
            ImGui::TextDisabled("(the page carries a block frontend's announcement, not a ring)");
        return;
    }
    ImU32 empty = ring_colour(r.kind);
    for (const CircleView& cv : rv.circles) {
        draw_circle(cv, empty);
        ImGui::SameLine();
    }
    // The index table beside the circles when it fits, else under them.
    if (ImGui::GetContentRegionAvail().x < 420) ImGui::NewLine();
    ImGui::BeginGroup();
    ImGui::Text("%u outstanding of %u %s", r.outstanding, r.slots,
                r.kind == "blkif" ? "request slots" : "bytes");
    if (rv.circles.front().per_cell > 1)
        ImGui::TextDisabled("one cell = %u bytes", rv.circles.front().per_cell);
    index_table(rv);
    ImGui::EndGroup();
    if (r.kind == "blkif") request_table(rv);
}

class RingsPanel final : public Panel {
  public:
    const char* name() const override { return "I/O rings"; }
    Tile default_tile() const override { return Tile::Center; }
    int order() const override { return 36; }
    char shortcut() const override { return 'I'; }

    void draw(Workbench& wb) override {
        StateSource* src = wb.session().state();
        if (!src || !wb.selection.domain) {
            ImGui::TextDisabled("Select a domain (Domains panel).");
            return;
        }
        const Target* t = src->target();
        if (!t) {
            ImGui::TextWrapped("Ring contents are not in the trace: a recording keeps the "
                               "hypervisor's records, not the guests' shared ring pages. Attach "
                               "to a live Glasshouse to see the rings.");
            return;
        }
        u16 dom = *wb.selection.domain;
        // Guests move the indices without the hypervisor lock: read on
        // every state refresh (and when the domain changes).
        const StateFrame* f = wb.state();
        u64 seq = f ? f->seq : 0;
        if (seq != seen_ || dom != view_.domid()) {
            seen_ = seq;
            auto s = read_rings(*t, dom);
            error_ = s.ok() ? "" : s.error();
            if (s.ok()) view_.update(*s, wb.now());
        }
        if (!error_.empty()) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "d%u: %s", dom, error_.c_str());
            return;
        }
        if (view_.rings().empty()) {
            ImGui::Text("d%u has no I/O rings (domain 0 serves them; select a domU).", dom);
            return;
        }
        ImGui::Text("d%u: %zu rings", dom, view_.rings().size());
        // Block rings first: they carry the traffic and the requests.
        int id = 0;
        for (bool blk : {true, false})
            for (const RingView& rv : view_.rings()) {
                if ((rv.ring.kind == "blkif") != blk) continue;
                ImGui::PushID(id++);
                ImGui::Separator();
                draw_ring(rv);
                ImGui::PopID();
            }
    }

  private:
    RingsView view_;
    u64 seen_ = 0;
    std::string error_;
};

} // namespace

GLASS_REGISTER_PANEL(RingsPanel);

} // namespace glass::gui
