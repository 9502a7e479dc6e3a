// The initial virtual memory layout of a pv64 domain (pv-abi §1.5, §1.6;
// Xen's dom0_construct): kernel, initrd, p2m list, start_info, bootstrap
// page tables and stack packed upward from v_start, all mapped to PFNs
// 0.. (VA v_start + n*4096 <-> PFN n), the page-table pages read-only.
#pragma once

#include "hv/core/domain/pv_image.hpp"

// start_info (1168 bytes) plus, for dom0, the VGA console info that follows
// it in the same page (§1.5 element d).
constexpr u64 kStartInfoReserve = 1168 + 40;

struct BuildLayout {
    u64 nr_pages = 0; // domain memory, in pages
    u64 v_start = 0;  // = virt_base
    u64 v_end = 0;    // end of the initial mapping (4 MiB multiple)

    u64 vkern_start = 0, vkern_end = 0;
    // Empty (start == end) when there is no initrd or it is not mapped
    // (MOD_START_PFN).
    u64 initrd_start = 0, initrd_end = 0;
    // The initrd's pages: inside the initial mapping when it is mapped,
    // else (MOD_START_PFN) the PFNs right after it, as in Xen's dom0
    // builder; start_info.mod_start then names initrd_first_pfn.
    u64 initrd_len = 0;
    u64 initrd_first_pfn = 0, initrd_pages = 0;
    bool initrd_unmapped = false;
    // mfn_list: 8 bytes per PFN. Inside the initial mapping unless
    // p2m_outside is set (INIT_P2M): then the builder must map it separately.
    u64 p2m_start = 0, p2m_end = 0;
    bool p2m_outside = false;
    // With p2m_outside, the list's own frames take the PFNs right after the
    // initial mapping, as in Xen's dom0 builder: first the tables that map
    // it (its L3s, L2s, L1s, hung off the bootstrap L4), then the pages
    // holding it. start_info.first_p2m_pfn / nr_p2m_frames name that range
    // so the kernel can reserve it. Zero frames when the list is inside.
    u64 p2m_first_pfn = 0;
    u64 p2m_nr_pt = 0;
    u64 p2m_nr_data = 0;
    u64 start_info_start = 0, start_info_end = 0;
    u64 pt_start = 0, pt_end = 0; // pt_base = pt_start (the L4)
    u64 nr_pt_frames = 0;
    u64 stack_start = 0, stack_end = 0;

    u64 entry = 0;
    NoteNumber hypercall_page;

    u64 initial_rsp() const { return stack_end; }
    u64 mapped_pages() const { return (v_end - v_start) >> kPageShift; }
    u64 nr_p2m_frames() const { return p2m_nr_pt + p2m_nr_data; }
    // First PFN the layout does not use: the rest of the domain's memory.
    u64 first_free_pfn() const {
        u64 end = mapped_pages();
        if (initrd_unmapped) end = initrd_first_pfn + initrd_pages;
        if (p2m_outside) end = p2m_first_pfn + nr_p2m_frames();
        return end;
    }
    u64 p2m_data_first_pfn() const { return p2m_first_pfn + p2m_nr_pt; }
    u64 pfn_of_va(u64 va) const { return (va - v_start) >> kPageShift; }
    u64 va_of_pfn(u64 pfn) const { return v_start + (pfn << kPageShift); }
    u64 first_pt_pfn() const { return pfn_of_va(pt_start); }
    bool is_pt_pfn(u64 pfn) const {
        return pfn >= first_pt_pfn() && pfn < first_pt_pfn() + nr_pt_frames;
    }
};

// Computes the layout for `image` in a domain of `nr_pages` pages with an
// initrd of `initrd_len` bytes (0 = none). Refuses (XEN_ENOMEM) when the
// initial mapping (plus an INIT_P2M list and its tables) does not fit in
// nr_pages, and (XEN_EINVAL) when it would
// overlap the hypervisor's area, is not canonical, or the hypercall page
// lies outside [v_start, v_end).
[[nodiscard]] LoadStatus compute_build_layout(const PvImage& image, u64 nr_pages, u64 initrd_len,
                                              BuildLayout& out);
