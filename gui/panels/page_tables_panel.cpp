// Page tables: the selected domain's tables as a tree from its L4 through
// L1, filtered to an address range; a virtual address typed in shows its
// translation path (introspect's walk, as the MMU does it).
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/page_table_tree.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace glass::gui {
namespace {

class PageTablesPanel final : public Panel {
  public:
    const char* name() const override { return "Page tables"; }
    Tile default_tile() const override { return Tile::Right; }
    int order() const override { return 30; }
    char shortcut() const override { return 'T'; }

    void draw(Workbench& wb) override {
        const StateFrame* f = wb.state();
        StateSource* src = wb.session().state();
        const DomainSnapshot* d =
            f && wb.selection.domain ? f->domains.find(*wb.selection.domain) : nullptr;
        if (!d || !src) {
            ImGui::TextDisabled("Select a domain (Domains panel).");
            return;
        }
        if (d->vcpus.empty()) return;
        u32 v = wb.selection.vcpu < d->vcpus.size() ? wb.selection.vcpu : 0;
        const VcpuSnapshot& vc = d->vcpus[v];
        u64 l4 = vc.l4_mfn();
        ImGui::Text("d%u vCPU %u, %s mode: L4 frame %#llx", d->id, v,
                    vc.kernel_mode ? "kernel" : "user", static_cast<unsigned long long>(l4));
        if (!l4) {
            ImGui::TextDisabled("no page tables yet");
            return;
        }

        ImGui::SetNextItemWidth(-140);
        if (ImGui::InputTextWithHint("translate", "virtual address, e.g. ffffffff80100000",
                                     &va_text_, ImGuiInputTextFlags_EnterReturnsTrue) ||
            (wb.selection.va && va_text_.empty())) {
            if (va_text_.empty() && wb.selection.va) {
                char b[24];
                std::snprintf(b, sizeof b, "%llx",
                              static_cast<unsigned long long>(*wb.selection.va));
                va_text_ = b;
            }
        }
        draw_translation(*src, l4);

        ImGui::SetNextItemWidth(-140);
        ImGui::InputTextWithHint("filter", "range lo-hi (hex), empty = all", &filter_text_);
        std::string why;
        auto range = parse_va_range(filter_text_, &why);
        if (!range) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "filter: %s", why.c_str());
            return;
        }
        PageTableTree tree([src](u64 mfn, std::array<u64, 512>& out) {
            return src->read_machine(mfn << 12, out.data(), sizeof out);
        });
        ImGui::BeginChild("tree");
        ImGui::PushFont(mono_font());
        draw_level(wb, tree, l4, 4, 0, *range);
        ImGui::PopFont();
        ImGui::EndChild();
        opened_for_ = path_va_;
    }

  private:
    void draw_translation(StateSource& src, u64 l4) {
        if (va_text_.empty()) return;
        auto r = parse_va_range(va_text_);
        if (!r || r->hi - r->lo != 0xfff) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "not a hex address");
            return;
        }
        u64 va = std::strtoull(va_text_.c_str(), nullptr, 16);
        path_va_ = va;
        auto w = src.walk(l4, va);
        if (!w.ok()) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", w.error().c_str());
            return;
        }
        ImGui::PushFont(mono_font());
        for (const WalkStep& s : w->steps)
            ImGui::Text("L%u table %#llx [%3u] = %016llx %s", s.level,
                        static_cast<unsigned long long>(s.table_mfn), s.index,
                        static_cast<unsigned long long>(s.entry),
                        pte_flags(s.entry, s.level).c_str());
        if (w->mapped)
            ImGui::TextColored(
                ImVec4(0.5f, 0.9f, 0.5f, 1), "-> machine %#llx (frame %#llx), %s page, %s%s%s",
                static_cast<unsigned long long>(w->maddr), static_cast<unsigned long long>(w->mfn),
                w->page_size == 4096         ? "4 KiB"
                : w->page_size == (2u << 20) ? "2 MiB"
                                             : "1 GiB",
                w->writable ? "writable" : "read-only", w->user ? ", user" : "",
                w->executable ? ", executable" : ", no-execute");
        else
            ImGui::TextColored(ImVec4(0.95f, 0.6f, 0.3f, 1), "not mapped: %s",
                               w->why_unmapped.c_str());
        ImGui::PopFont();
        ImGui::Separator();
    }

    void draw_level(Workbench& wb, const PageTableTree& tree, u64 mfn, unsigned level, u64 base,
                    const VaRange& range) {
        std::vector<TreeEntry> kids;
        if (!tree.children(mfn, level, base, range, kids)) {
            ImGui::TextDisabled("table %#llx is not readable",
                                static_cast<unsigned long long>(mfn));
            return;
        }
        ImGuiListClipper clip; // L1s have up to 512 rows; leaves are one line each
        bool leaves = !kids.empty() && kids.front().level == 1;
        if (leaves) {
            clip.Begin(static_cast<int>(kids.size()));
            while (clip.Step())
                for (int i = clip.DisplayStart; i < clip.DisplayEnd; i++)
                    leaf_row(wb, kids[static_cast<size_t>(i)]);
            return;
        }
        for (const TreeEntry& k : kids) {
            if (k.leaf) {
                leaf_row(wb, k);
                continue;
            }
            char label[160];
            std::snprintf(label, sizeof label, "L%u[%3u] %016llx-%016llx  %s  -> L%u %#llx###%u_%u",
                          k.level, k.index, static_cast<unsigned long long>(k.va),
                          static_cast<unsigned long long>(k.va_last), k.flags.c_str(), k.level - 1,
                          static_cast<unsigned long long>(k.mfn), k.level, k.index);
            // Open the path to a newly translated address once; the user
            // may close it again.
            if (path_va_ && *path_va_ >= k.va && *path_va_ <= k.va_last && opened_for_ != path_va_)
                ImGui::SetNextItemOpen(true);
            if (ImGui::TreeNode(label)) {
                draw_level(wb, tree, k.mfn, k.level - 1, k.va, range);
                ImGui::TreePop();
            }
        }
    }

    void leaf_row(Workbench& wb, const TreeEntry& k) {
        char label[160];
        std::snprintf(label, sizeof label, "L%u[%3u] %016llx %s -> frame %#llx%s##%llx", k.level,
                      k.index, static_cast<unsigned long long>(k.va), k.flags.c_str(),
                      static_cast<unsigned long long>(k.mfn), k.level > 1 ? " (superpage)" : "",
                      static_cast<unsigned long long>(k.va));
        if (ImGui::Selectable(label)) {
            wb.selection.frame = k.mfn;
            wb.selection.va = k.va;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("click: open frame in the Frame panel");
    }

    std::optional<u64> path_va_, opened_for_;
    std::string va_text_, filter_text_ = "ffffffff80000000-ffffffffffffffff";
};

} // namespace

GLASS_REGISTER_PANEL(PageTablesPanel);

} // namespace glass::gui
