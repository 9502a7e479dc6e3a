// What the PV domain builder needs to know about a kernel image: where it
// goes in the guest's virtual address space, where it starts, and which
// bytes to copy (pv-abi §1.2-§1.4). Built from a validated ElfImage and its
// Xen notes; copying goes through a caller-supplied writer so the hypervisor
// can write through whatever mapping it has of the new domain's memory.
#pragma once

#include "hv/core/elf/xen_notes.hpp"
#include "hv/lib/result.hpp"

// One loadable segment: file bytes [file_offset, file_offset + filesz) go to
// dest_va; the rest up to memsz is zero-filled.
struct PvSegment {
    u64 file_offset;
    u64 filesz;
    u64 memsz;
    u64 dest_va;
};

struct PvImage {
    const u8* file = nullptr; // the image the segments are copied from
    u64 file_size = 0;

    u64 virt_base = 0;    // v_start of the initial mapping
    u64 paddr_offset = 0; // subtracted from ELF paddrs
    u64 virt_kstart = 0;  // first byte of the loaded image
    u64 virt_kend = 0;    // one past its last byte (not page-rounded)
    u64 entry = 0;        // initial rip

    NoteNumber hypercall_page;  // VA to fill with hypercall stubs, or absent
    NoteNumber init_p2m;        // VA for the p2m list outside the initial mapping, or absent
    bool mod_start_pfn = false; // initrd is not mapped; start_info.mod_start is a PFN

    u32 features_supported = 0; // XENFEAT_* bitmaps from the notes
    u32 features_required = 0;

    unsigned segment_count = 0;
    PvSegment segments[ElfImage::kMaxLoadSegments] = {};
};

// Address computation and checks of libelf elf_xen_addr_calc_check (§1.4).
// The hypercall page is checked against the layout, which knows v_end.
[[nodiscard]] LoadStatus describe_pv_image(const ElfImage& image, const XenNotes& notes,
                                           PvImage& out);

// Everything from raw bytes to PvImage: ELF validation, Xen notes, Xen's
// acceptance checks, address computation. This is what the hypervisor
// calls on a boot module; on refusal it prints status.reason().
[[nodiscard]] LoadStatus load_pv_image(const u8* data, u64 size, bool is_hardware_domain,
                                       PvImage& out);

// Where copy_pv_segments puts bytes. Implementations translate guest VAs
// through the builder's own mapping of the new domain.
class GuestMemoryWriter {
  public:
    [[nodiscard]] virtual Status write(u64 va, const u8* src, u64 len) = 0;
    [[nodiscard]] virtual Status zero(u64 va, u64 len) = 0;

  protected:
    ~GuestMemoryWriter() = default;
};

// Copies p_filesz bytes of every loadable segment and zero-fills the rest up
// to p_memsz. Stops at the first writer error.
[[nodiscard]] LoadStatus copy_pv_segments(const PvImage& image, GuestMemoryWriter& writer);
