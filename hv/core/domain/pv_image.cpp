#include "hv/core/domain/pv_image.hpp"

namespace {

using ull = unsigned long long;

void collect_segments(const ElfImage& image, PvImage& out) {
    for (unsigned i = 0; i < image.phdr_count(); i++) {
        elf::Phdr ph = image.phdr(i);
        if (!elf::is_loadable(ph)) continue;
        // ElfImage::parse bounded the count by kMaxLoadSegments.
        PvSegment& seg = out.segments[out.segment_count++];
        seg.file_offset = ph.p_offset;
        seg.filesz = ph.p_filesz;
        seg.memsz = ph.p_memsz;
        seg.dest_va = out.virt_kstart + (ph.p_paddr - image.pstart());
    }
}

} // namespace

LoadStatus describe_pv_image(const ElfImage& image, const XenNotes& notes, PvImage& out) {
    out = PvImage{};
    if (notes.paddr_offset.present && !notes.virt_base.present)
        return LoadStatus::fail(XEN_EINVAL, "ELF: PADDR_OFFSET note given without VIRT_BASE");

    out.file = image.data();
    out.file_size = image.size();
    out.virt_base = notes.virt_base.present ? notes.virt_base.value : 0;
    // 0 is the default when notes (not __xen_guest) describe the image.
    out.paddr_offset = notes.paddr_offset.present ? notes.paddr_offset.value : 0;
    // Modular arithmetic, as in Xen: the checks below catch a wrapped range.
    u64 virt_offset = out.virt_base - out.paddr_offset;
    out.virt_kstart = image.pstart() + virt_offset;
    out.virt_kend = image.pend() + virt_offset;
    out.entry = notes.entry.present ? notes.entry.value : image.header().e_entry;
    out.hypercall_page = notes.hypercall_page;
    out.init_p2m = notes.init_p2m;
    out.mod_start_pfn = notes.mod_start_pfn;
    out.features_supported = notes.features_supported;
    out.features_required = notes.features_required;

    if (out.virt_kstart > out.virt_kend)
        return LoadStatus::fail(XEN_EINVAL, "ELF: image start 0x%llx above its end 0x%llx",
                                static_cast<ull>(out.virt_kstart), static_cast<ull>(out.virt_kend));
    if (out.entry < out.virt_kstart || out.entry > out.virt_kend)
        return LoadStatus::fail(XEN_EINVAL, "ELF: entry 0x%llx outside the image [0x%llx, 0x%llx]",
                                static_cast<ull>(out.entry), static_cast<ull>(out.virt_kstart),
                                static_cast<ull>(out.virt_kend));
    if (out.virt_base > out.virt_kstart)
        return LoadStatus::fail(XEN_EINVAL, "ELF: VIRT_BASE 0x%llx above image start 0x%llx",
                                static_cast<ull>(out.virt_base), static_cast<ull>(out.virt_kstart));
    // The builder maps VA v_start + n*4096 to PFN n, so v_start must be a
    // page boundary.
    if (out.virt_base % kPageSize != 0)
        return LoadStatus::fail(XEN_EINVAL, "ELF: VIRT_BASE 0x%llx is not page-aligned",
                                static_cast<ull>(out.virt_base));
    if (out.init_p2m.present && out.init_p2m.value >= out.virt_kstart &&
        out.init_p2m.value < out.virt_kend)
        return LoadStatus::fail(XEN_EINVAL, "ELF: INIT_P2M 0x%llx lies inside the image",
                                static_cast<ull>(out.init_p2m.value));

    collect_segments(image, out);
    return {};
}

LoadStatus load_pv_image(const u8* data, u64 size, bool is_hardware_domain, PvImage& out) {
    out = PvImage{};
    ElfImage image;
    TRY_LOAD(ElfImage::parse(data, size, image));
    XenNotes notes;
    TRY_LOAD(read_xen_notes(image, notes));
    TRY_LOAD(check_xen_notes(notes, is_hardware_domain));
    return describe_pv_image(image, notes, out);
}

LoadStatus copy_pv_segments(const PvImage& image, GuestMemoryWriter& writer) {
    for (unsigned i = 0; i < image.segment_count; i++) {
        const PvSegment& seg = image.segments[i];
        Status st = writer.write(seg.dest_va, image.file + seg.file_offset, seg.filesz);
        if (!st.ok())
            return LoadStatus::fail(st.error(), "load: copying segment %u to 0x%llx failed", i,
                                    static_cast<ull>(seg.dest_va));
        if (seg.memsz == seg.filesz) continue;
        st = writer.zero(seg.dest_va + seg.filesz, seg.memsz - seg.filesz);
        if (!st.ok())
            return LoadStatus::fail(st.error(), "load: zeroing segment %u at 0x%llx failed", i,
                                    static_cast<ull>(seg.dest_va + seg.filesz));
    }
    return {};
}
