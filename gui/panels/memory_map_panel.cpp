// Memory map: every machine frame as one cell of a texture, coloured by
// type or owner; changed cells flash. Wheel zooms about the cursor, drag
// pans, hovering names the frame, a click opens it in the Frame panel.
#include "gui/app/panel.hpp"
#include "gui/app/workbench.hpp"
#include "gui/model/map_viewport.hpp"
#include "gui/model/typing_map.hpp"

#include <imgui.h>

#include <GL/gl.h>

namespace glass::gui {
namespace {

ImU32 im_colour(Rgba c) {
    return c;
} // ImGui's ImU32 is also 0xAABBGGRR

constexpr FrameClass kLegend[] = {FrameClass::L4,  FrameClass::L3,      FrameClass::L2,
                                  FrameClass::L1,  FrameClass::SegDesc, FrameClass::Writable,
                                  FrameClass::Ram, FrameClass::Free,    FrameClass::Hypervisor,
                                  FrameClass::Io};

class MemoryMapPanel final : public Panel {
  public:
    const char* name() const override { return "Memory map"; }
    Tile default_tile() const override { return Tile::Center; }
    int order() const override { return 20; }
    char shortcut() const override { return 'M'; }
    ~MemoryMapPanel() override {
        if (tex_) glDeleteTextures(1, &tex_);
    }

    void draw(Workbench& wb) override {
        const StateFrame* f = wb.state();
        if (!f || f->frames.frames.empty()) {
            ImGui::TextDisabled("No frame table yet (%s).", wb.session().describe().c_str());
            return;
        }
        if (f->seq != seen_) {
            seen_ = f->seq;
            map_.update(f->frames, f->seq, f->changed_since, f->has_changes ? &f->changed : nullptr,
                        f->has_counts ? &f->counts : nullptr, wb.now());
        }
        map_.tick(wb.now());
        draw_toolbar();
        draw_legend();
        upload();
        draw_canvas(wb);
    }

  private:
    void draw_toolbar() {
        int by = map_.colouring() == MapColouring::Type ? 0 : 1;
        ImGui::TextUnformatted("colour by");
        ImGui::SameLine();
        if (ImGui::RadioButton("type", &by, 0)) map_.set_colouring(MapColouring::Type);
        ImGui::SameLine();
        if (ImGui::RadioButton("owner", &by, 1)) map_.set_colouring(MapColouring::Owner);
        ImGui::SameLine();
        if (ImGui::Checkbox("flash changes", &flash_)) map_.set_highlighting(flash_);
        ImGui::SameLine();
        if (ImGui::Button("Fit")) view_.fit();
        ImGui::SameLine();
        ImGui::TextDisabled("%llu frames (%llu MiB), %u x %u, zoom %.2f px/frame, %zu changed, "
                            "%zu fading",
                            static_cast<unsigned long long>(map_.frames()),
                            static_cast<unsigned long long>(map_.frames() / 256), map_.columns(),
                            map_.rows(), view_.zoom(), map_.last_changes(), map_.fading());
    }

    void draw_legend() {
        const FrameCounts& c = map_.counts();
        if (map_.colouring() == MapColouring::Type) {
            for (FrameClass k : kLegend) {
                swatch(class_colour(k));
                ImGui::SameLine();
                ImGui::Text("%s %llu", frame_class_name(k),
                            static_cast<unsigned long long>(c.by_class[static_cast<unsigned>(k)]));
                ImGui::SameLine();
            }
            ImGui::NewLine();
        } else {
            for (u16 d = 0; d < 8; d++) {
                swatch(owner_colour(d));
                ImGui::SameLine();
                ImGui::Text("d%u%s", d, d == 7 ? "..." : "");
                ImGui::SameLine();
            }
            swatch(owner_colour(mm::kOwnerHypervisor));
            ImGui::SameLine();
            ImGui::TextUnformatted("hypervisor");
            ImGui::SameLine();
            swatch(owner_colour(mm::kOwnerFree));
            ImGui::SameLine();
            ImGui::TextUnformatted("free");
        }
    }

    static void swatch(Rgba c) {
        float s = ImGui::GetTextLineHeight();
        ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 2),
                                                  ImVec2(p.x + s, p.y + s - 2), im_colour(c));
        ImGui::Dummy(ImVec2(s, s));
    }

    // One texture for the whole map; refreshes send only the rows that
    // changed.
    void upload() {
        unsigned lo = 0, hi = 0;
        if (!tex_ || tex_cols_ != map_.columns() || tex_rows_ != map_.rows()) {
            if (!tex_) glGenTextures(1, &tex_);
            glBindTexture(GL_TEXTURE_2D, tex_);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
            glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, static_cast<GLsizei>(map_.columns()),
                         static_cast<GLsizei>(map_.rows()), 0, GL_RGBA, GL_UNSIGNED_BYTE,
                         map_.texels().data());
            tex_cols_ = map_.columns();
            tex_rows_ = map_.rows();
            map_.take_dirty(lo, hi);
            view_.set_grid(map_.columns(), map_.rows(), map_.frames());
            return;
        }
        if (!map_.take_dirty(lo, hi)) return;
        glBindTexture(GL_TEXTURE_2D, tex_);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, static_cast<GLint>(lo),
                        static_cast<GLsizei>(map_.columns()), static_cast<GLsizei>(hi - lo),
                        GL_RGBA, GL_UNSIGNED_BYTE,
                        map_.texels().data() + static_cast<size_t>(lo) * map_.columns());
    }

    void draw_canvas(Workbench& wb) {
        ImVec2 avail = ImGui::GetContentRegionAvail();
        float info_h = ImGui::GetTextLineHeightWithSpacing();
        ImVec2 size(std::max(avail.x, 50.f), std::max(avail.y - info_h, 50.f));
        ImVec2 p0 = ImGui::GetCursorScreenPos();
        view_.set_view(size.x, size.y);
        ImGui::InvisibleButton(
            "map", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
        bool hovered = ImGui::IsItemHovered();
        ImGuiIO& io = ImGui::GetIO();
        float mx = io.MousePos.x - p0.x, my = io.MousePos.y - p0.y;
        if (hovered && io.MouseWheel != 0) view_.zoom_at(io.MouseWheel > 0 ? 1.25f : 0.8f, mx, my);
        if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2) ||
                                      ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 2))) {
            view_.pan(io.MouseDelta.x, io.MouseDelta.y);
            dragged_ = true;
        }
        if (ImGui::IsItemDeactivated()) {
            if (!dragged_)
                if (auto m = view_.hit(mx, my)) {
                    wb.selection.frame = *m;
                    wb.focus("Frame");
                }
            dragged_ = false;
        }

        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(12, 12, 14, 255));
        UvRect v = view_.visible();
        dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
        dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex_)),
                     ImVec2(p0.x + v.x0, p0.y + v.y0), ImVec2(p0.x + v.x1, p0.y + v.y1),
                     ImVec2(v.u0, v.v0), ImVec2(v.u1, v.v1));
        if (wb.selection.frame && *wb.selection.frame < map_.frames()) {
            u64 m = *wb.selection.frame;
            float x = p0.x + view_.pixel_x(m), y = p0.y + view_.pixel_y(m);
            float z = std::max(view_.zoom(), 3.f);
            dl->AddRect(ImVec2(x - 1, y - 1), ImVec2(x + z + 1, y + z + 1),
                        IM_COL32(255, 255, 255, 255), 0, 0, 2);
        }
        dl->PopClipRect();

        std::optional<u64> under = hovered ? view_.hit(mx, my) : std::nullopt;
        if (under) tooltip(*under);
        if (under)
            ImGui::Text("frame %#llx  machine address %#llx",
                        static_cast<unsigned long long>(*under),
                        static_cast<unsigned long long>(*under << 12));
        else
            ImGui::TextDisabled("wheel: zoom, drag: pan, click: open the frame");
    }

    void tooltip(u64 mfn) {
        const mm::FrameInfo* fi = map_.frame(mfn);
        if (!fi) return;
        ImGui::BeginTooltip();
        ImGui::Text("frame %#llx (%#llx)", static_cast<unsigned long long>(mfn),
                    static_cast<unsigned long long>(mfn << 12));
        ImGui::Text("class %s", frame_class_name(classify(*fi)));
        if (fi->owner == mm::kOwnerFree)
            ImGui::TextUnformatted("owner: free");
        else if (fi->owner == mm::kOwnerHypervisor)
            ImGui::Text("owner: hypervisor%s",
                        fi->flags & mm::kFrameSharedWithDomain
                            ? (" (shared with d" + std::to_string(fi->shared_with) + ")").c_str()
                            : "");
        else if (fi->owner == mm::kOwnerIo)
            ImGui::TextUnformatted("owner: I/O (not RAM)");
        else
            ImGui::Text("owner: d%u", fi->owner);
        ImGui::Text("refs %u, type refs %u%s%s", fi->ref_count, fi->type_count,
                    fi->flags & mm::kFramePinned ? ", pinned" : "",
                    fi->flags & mm::kFrameValidated ? ", validated" : "");
        ImGui::EndTooltip();
    }

    TypingMap map_;
    MapViewport view_;
    GLuint tex_ = 0;
    unsigned tex_cols_ = 0, tex_rows_ = 0;
    u64 seen_ = 0;
    bool flash_ = true, dragged_ = false;
};

} // namespace

GLASS_REGISTER_PANEL(MemoryMapPanel);

} // namespace glass::gui
