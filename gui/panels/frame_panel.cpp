// Frame: the machine frame picked in the Memory map (or by number): its
// FrameInfo, its contents (hex, or decoded entries for a page table) and
// every page-table entry that maps it.
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/frame_view.hpp"

#include <imgui.h>

namespace glass::gui {
namespace {

class FramePanel final : public Panel {
  public:
    const char* name() const override { return "Frame"; }
    Tile default_tile() const override { return Tile::Right; }
    int order() const override { return 25; }
    char shortcut() const override { return 'F'; }

    void draw(Workbench& wb) override {
        const StateFrame* f = wb.state();
        StateSource* src = wb.session().state();
        if (!f || !src) {
            ImGui::TextDisabled("No state yet.");
            return;
        }
        ImGui::SetNextItemWidth(200);
        if (ImGui::InputScalar("frame (hex)", ImGuiDataType_U64, &typed_, nullptr, nullptr, "%llx",
                               ImGuiInputTextFlags_CharsHexadecimal |
                                   ImGuiInputTextFlags_EnterReturnsTrue))
            wb.selection.frame = typed_;
        if (!wb.selection.frame) {
            ImGui::TextDisabled("Click a cell in the Memory map, or type a frame number.");
            return;
        }
        u64 mfn = *wb.selection.frame;
        if (mfn != shown_) {
            shown_ = mfn;
            typed_ = mfn;
            refs_.clear();
            refs_done_ = false;
        }
        if (mfn >= f->frames.frames.size()) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1),
                               "frame %#llx is past the frame table (%zu)",
                               static_cast<unsigned long long>(mfn), f->frames.frames.size());
            return;
        }
        const mm::FrameInfo& fi = f->frames.frames[mfn];
        ImGui::Text("frame %#llx  (machine address %#llx)", static_cast<unsigned long long>(mfn),
                    static_cast<unsigned long long>(mfn << 12));
        ImGui::Text("%s, owner %s, refs %u, type refs %u, type %u%s%s, linear %d",
                    frame_class_name(classify(fi)), owner_name(fi.owner).c_str(), fi.ref_count,
                    fi.type_count, static_cast<unsigned>(fi.type),
                    fi.flags & mm::kFramePinned ? ", pinned" : "",
                    fi.flags & mm::kFrameValidated ? ", validated" : "", fi.linear_count);
        if (ImGui::BeginTabBar("frame")) {
            if (ImGui::BeginTabItem("contents")) {
                draw_contents(wb, *src, fi, mfn);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("mapped by")) {
                draw_refs(*src, f->frames, mfn);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
    }

  private:
    static std::string owner_name(u16 owner) {
        if (owner == mm::kOwnerFree) return "free";
        if (owner == mm::kOwnerHypervisor) return "hypervisor";
        if (owner == mm::kOwnerIo) return "I/O";
        return "d" + std::to_string(owner);
    }

    void draw_contents(Workbench& wb, StateSource& src, const mm::FrameInfo& fi, u64 mfn) {
        std::array<u64, 512> words{};
        if (!src.read_machine(mfn << 12, words.data(), sizeof words)) {
            ImGui::TextDisabled("not RAM: nothing to read");
            return;
        }
        ImGui::PushFont(mono_font());
        unsigned level = table_level(fi);
        if (level) {
            ImGui::PopFont();
            ImGui::Checkbox("present entries only", &present_only_);
            ImGui::PushFont(mono_font());
            auto rows = decode_table(words, level, present_only_);
            ImGui::TextDisabled("L%u page table: %zu entries shown", level, rows.size());
            if (ImGui::BeginTable("ptes", 4,
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                      ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit)) {
                ImGui::TableSetupScrollFreeze(0, 1);
                ImGui::TableSetupColumn("index");
                ImGui::TableSetupColumn("entry");
                ImGui::TableSetupColumn("flags");
                ImGui::TableSetupColumn("frame");
                ImGui::TableHeadersRow();
                ImGuiListClipper clip;
                clip.Begin(static_cast<int>(rows.size()));
                while (clip.Step())
                    for (int i = clip.DisplayStart; i < clip.DisplayEnd; i++) {
                        const PteRow& r = rows[static_cast<size_t>(i)];
                        ImGui::TableNextColumn();
                        ImGui::Text("%3u", r.index);
                        ImGui::TableNextColumn();
                        ImGui::Text("%016llx", static_cast<unsigned long long>(r.entry));
                        ImGui::TableNextColumn();
                        ImGui::TextUnformatted(r.flags.c_str());
                        ImGui::TableNextColumn();
                        if (r.present) {
                            char label[32];
                            std::snprintf(label, sizeof label, "%#llx##%u",
                                          static_cast<unsigned long long>(r.mfn), r.index);
                            if (ImGui::SmallButton(label)) pending_ = r.mfn;
                            if (ImGui::IsItemHovered())
                                ImGui::SetTooltip("open frame %#llx",
                                                  static_cast<unsigned long long>(r.mfn));
                        }
                    }
                ImGui::EndTable();
            }
        } else {
            auto rows = hex_rows(reinterpret_cast<const u8*>(words.data()), sizeof words, 0);
            ImGuiListClipper clip;
            clip.Begin(static_cast<int>(rows.size()));
            while (clip.Step())
                for (int i = clip.DisplayStart; i < clip.DisplayEnd; i++)
                    ImGui::TextUnformatted(rows[static_cast<size_t>(i)].c_str());
        }
        ImGui::PopFont();
        if (pending_) {
            wb.selection.frame = *pending_;
            pending_.reset();
        }
    }

    void draw_refs(StateSource& src, const FrameSnapshot& frames, u64 mfn) {
        if (!refs_done_) {
            // Scans every active page table once per frame picked.
            refs_ = src.reverse(frames, mfn);
            refs_done_ = true;
        }
        if (ImGui::SmallButton("search again")) refs_done_ = false;
        ImGui::SameLine();
        ImGui::Text("%zu page-table entries map or reference this frame", refs_.size());
        ImGui::PushFont(mono_font());
        for (const PteRef& r : refs_)
            ImGui::Text("L%u table %#llx [%3u] = %016llx  (d%u)  %s", r.level,
                        static_cast<unsigned long long>(r.table_mfn), r.index,
                        static_cast<unsigned long long>(r.entry), r.table_owner,
                        pte_flags(r.entry, r.level).c_str());
        ImGui::PopFont();
    }

    u64 typed_ = 0, shown_ = ~0ull;
    std::optional<u64> pending_;
    bool present_only_ = true;
    std::vector<PteRef> refs_;
    bool refs_done_ = false;
};

} // namespace

GLASS_REGISTER_PANEL(FramePanel);

} // namespace glass::gui
