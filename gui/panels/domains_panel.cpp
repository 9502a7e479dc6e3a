// Domains: every domain with its state, memory, vCPUs and CPU time; the
// selected one's controls (pause, unpause, destroy) and its vCPUs with
// their saved registers.
#include "gui/app/fonts.hpp"
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/domains_view.hpp"

#include <imgui.h>

#include <chrono>
#include <cstdio>

namespace glass::gui {
namespace {

ImVec4 state_colour(const std::string& s) {
    if (s == "running") return {0.45f, 0.85f, 0.45f, 1};
    if (s == "paused") return {0.95f, 0.45f, 0.35f, 1};
    if (s == "crashed" || s == "dying") return {0.9f, 0.3f, 0.9f, 1};
    if (s == "shutdown") return {0.6f, 0.6f, 0.6f, 1};
    return {0.9f, 0.8f, 0.4f, 1};
}

class DomainsPanel final : public Panel {
  public:
    const char* name() const override { return "Domains"; }
    Tile default_tile() const override { return Tile::Left; }
    int order() const override { return 10; }
    char shortcut() const override { return 'D'; }

    void update(Workbench& wb) override {
        const StateFrame* f = wb.state();
        if (!f || f->seq == seen_) return;
        seen_ = f->seq;
        u64 ns = static_cast<u64>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(f->taken.time_since_epoch())
                .count());
        view_.update(f->domains, ns);
        if (!wb.selection.domain && !view_.rows().empty())
            wb.selection.domain = view_.rows().front().id;
    }

    void draw(Workbench& wb) override {
        const StateFrame* f = wb.state();
        if (!f) {
            ImGui::TextDisabled("No hypervisor state yet (%s).", wb.session().describe().c_str());
            return;
        }
        if (!f->domains_error.empty())
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", f->domains_error.c_str());
        draw_table(wb);
        const DomainSnapshot* d =
            wb.selection.domain ? f->domains.find(*wb.selection.domain) : nullptr;
        if (!d) return;
        ImGui::Separator();
        draw_controls(wb, *d);
        draw_vcpus(wb, *d);
    }

    // For scripts: "destroy D", as the Destroy button's confirmation does.
    PanelCommand command(Workbench& wb, const std::string& text, std::string& error) override {
        unsigned dom = 0;
        char extra = 0;
        if (std::sscanf(text.c_str(), "destroy %u %c", &dom, &extra) != 1 || dom > 0x7fef) {
            error = "domains commands: destroy D (a domain id)";
            return PanelCommand::Failed;
        }
        if (wb.destroy(static_cast<u16>(dom))) return PanelCommand::Done;
        error = wb.messages().empty() ? "destroy failed" : wb.messages().back().text;
        return PanelCommand::Failed;
    }

  private:
    void draw_table(Workbench& wb) {
        ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingFixedFit;
        float h = ImGui::GetTextLineHeightWithSpacing() *
                  static_cast<float>(std::min<size_t>(view_.rows().size(), 8) + 1.5f);
        if (!ImGui::BeginTable("domains", 7, flags, ImVec2(0, h))) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("id");
        ImGui::TableSetupColumn("state");
        ImGui::TableSetupColumn("memory");
        ImGui::TableSetupColumn("vCPUs");
        ImGui::TableSetupColumn("CPU time");
        ImGui::TableSetupColumn("CPU %");
        ImGui::TableSetupColumn("command line", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const DomainRow& r : view_.rows()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char label[16];
            std::snprintf(label, sizeof label, "d%u", r.id);
            bool sel = wb.selection.domain && *wb.selection.domain == r.id;
            if (ImGui::Selectable(label, sel, ImGuiSelectableFlags_SpanAllColumns))
                wb.selection.domain = r.id;
            ImGui::TableNextColumn();
            ImGui::TextColored(state_colour(r.state), "%s", r.state.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%llu MiB", static_cast<unsigned long long>(r.mem_kib / 1024));
            ImGui::TableNextColumn();
            ImGui::Text("%u/%u", r.vcpus_online, r.vcpus);
            ImGui::TableNextColumn();
            ImGui::Text("%.2f s", double(r.cpu_ns) / 1e9);
            ImGui::TableNextColumn();
            ImGui::Text("%5.1f", r.cpu_pct);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.cmdline.c_str());
        }
        ImGui::EndTable();
    }

    void draw_controls(Workbench& wb, const DomainSnapshot& d) {
        std::string state = shown_state(d);
        ImGui::Text("Domain %u", d.id);
        ImGui::SameLine();
        ImGui::TextColored(state_colour(state), "%s", state.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s, %llu/%llu MiB, weight %u, cap %u%s, pause count %u",
                            d.privileged ? "privileged" : "unprivileged",
                            static_cast<unsigned long long>(d.nr_pages / 256),
                            static_cast<unsigned long long>(d.max_pages / 256), d.weight, d.cap,
                            d.cap ? "%" : "", d.pause_count);
        bool can = wb.session().control().connected();
        if (!can) ImGui::BeginDisabled();
        if (ImGui::Button(state == "paused" ? "Unpause (Ctrl+P)" : "Pause (Ctrl+P)")) {
            if (state == "paused")
                wb.unpause(d.id);
            else
                wb.pause(d.id);
        }
        ImGui::SameLine();
        if (ImGui::Button("Destroy...")) ImGui::OpenPopup("destroy");
        if (!can) {
            ImGui::EndDisabled();
            ImGui::SameLine();
            ImGui::TextDisabled("(%s)", wb.session().control().describe().c_str());
        }
        if (ImGui::BeginPopup("destroy")) {
            ImGui::Text("Destroy domain %u? Its memory is freed.", d.id);
            if (ImGui::Button("Destroy")) {
                wb.destroy(d.id);
                ImGui::CloseCurrentPopup();
            }
            ImGui::SameLine();
            if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
            ImGui::EndPopup();
        }
    }

    void draw_vcpus(Workbench& wb, const DomainSnapshot& d) {
        for (const VcpuSnapshot& v : d.vcpus) {
            char label[96];
            std::snprintf(label, sizeof label, "vCPU %u  %s  %s mode  CR3 %#llx###vcpu%u", v.id,
                          v.state.c_str(), v.kernel_mode ? "kernel" : "user",
                          static_cast<unsigned long long>(v.l4_mfn() << 12), v.id);
            ImGuiTreeNodeFlags tf = v.id == 0 ? ImGuiTreeNodeFlags_DefaultOpen : 0;
            if (!ImGui::TreeNodeEx(label, tf)) continue;
            if (ImGui::IsItemClicked()) wb.selection.vcpu = v.id;
            ImGui::TextDisabled("runstate %s: running %.2f s, runnable %.2f s, blocked %.2f s, "
                                "offline %.2f s",
                                v.runstate.c_str(), v.runstate_ns[0] / 1e9, v.runstate_ns[1] / 1e9,
                                v.runstate_ns[2] / 1e9, v.runstate_ns[3] / 1e9);
            ImGui::TextDisabled("saved at its last exit to the hypervisor%s",
                                v.state == "running" ? " (it is running: newer ones in the CPU)"
                                                     : "");
            ImGui::PushFont(mono_font());
            if (ImGui::BeginTable("regs", 4, ImGuiTableFlags_SizingFixedFit)) {
                for (const auto& [name, value] : v.regs) {
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("%s", name.c_str());
                    ImGui::TableNextColumn();
                    ImGui::Text("%016llx", static_cast<unsigned long long>(value));
                }
                ImGui::TableNextColumn();
                ImGui::TextDisabled("cr2");
                ImGui::TableNextColumn();
                ImGui::Text("%016llx", static_cast<unsigned long long>(v.cr2));
                ImGui::EndTable();
            }
            ImGui::PopFont();
            if (ImGui::SmallButton("Disassemble at RIP")) {
                wb.selection.domain = d.id;
                wb.selection.vcpu = v.id;
                wb.selection.va = v.reg("rip");
                wb.focus("Disassembly");
            }
            ImGui::TreePop();
        }
    }

    DomainsView view_;
    u64 seen_ = 0;
};

} // namespace

GLASS_REGISTER_PANEL(DomainsPanel);

} // namespace glass::gui
