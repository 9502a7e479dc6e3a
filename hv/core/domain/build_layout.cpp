#include "hv/core/domain/build_layout.hpp"

#include "hv/abi/layout.hpp"
#include "hv/core/domain/build_layout_tables.hpp"
#include "hv/core/elf/checked_math.hpp"

namespace {

using ull = unsigned long long;

constexpr u64 k4MiB = u64{1} << 22;
constexpr u64 kMinStackSlack = u64{512} << 10;

// Page-rounds with overflow checking; false when the result would wrap.
bool page_up(u64 v, u64* out) {
    u64 t = 0;
    if (!checked_add(v, kPageSize - 1, &t)) return false;
    *out = page_round_down(t);
    return true;
}

// A layout whose addresses wrap past 2^64: a bad VIRT_BASE or image, or an
// absurd domain size (ENOMEM when the p2m size itself overflows).
LoadStatus too_big(const char* what, XenErrno err = XEN_EINVAL) {
    return LoadStatus::fail(err, "build: layout overflows the address space at the %s", what);
}

// One candidate nr_pt_frames: places tables, stack and v_end after pt_start.
bool place_tail(BuildLayout& l, u64 nr_pt) {
    u64 pt_bytes = 0;
    if (!checked_mul(nr_pt, kPageSize, &pt_bytes) || !checked_add(l.pt_start, pt_bytes, &l.pt_end))
        return false;
    l.nr_pt_frames = nr_pt;
    l.stack_start = l.pt_end;
    if (!checked_add(l.stack_start, kPageSize, &l.stack_end)) return false;
    // Round the stack top up to 4 MiB; keep at least 512 KiB of slack.
    u64 t = 0;
    if (!checked_add(l.stack_end, k4MiB - 1, &t)) return false;
    l.v_end = t & ~(k4MiB - 1);
    if (l.v_end - l.stack_end < kMinStackSlack && !checked_add(l.v_end, k4MiB, &l.v_end))
        return false;
    return true;
}

LoadStatus check_address_space(const BuildLayout& l) {
    u64 last = l.v_end - 1;
    if (ranges_overlap(l.v_start, l.v_end, xen::HYPERVISOR_VIRT_START, xen::HYPERVISOR_VIRT_END))
        return LoadStatus::fail(XEN_EINVAL,
                                "build: initial mapping 0x%llx-0x%llx overlaps the hypervisor area",
                                static_cast<ull>(l.v_start), static_cast<ull>(l.v_end));
    bool low = last < (u64{1} << 47);
    bool high = l.v_start >= xen::HYPERVISOR_VIRT_END;
    if (!low && !high)
        return LoadStatus::fail(XEN_EINVAL, "build: initial mapping 0x%llx-0x%llx is not canonical",
                                static_cast<ull>(l.v_start), static_cast<ull>(l.v_end));
    if (l.mapped_pages() > l.nr_pages)
        return LoadStatus::fail(XEN_ENOMEM,
                                "build: domain too small: initial mapping needs 0x%llx pages, "
                                "domain has 0x%llx",
                                static_cast<ull>(l.mapped_pages()), static_cast<ull>(l.nr_pages));
    return {};
}

LoadStatus check_hypercall_page(const BuildLayout& l) {
    if (!l.hypercall_page.present) return {};
    u64 va = l.hypercall_page.value;
    if (va < l.v_start || va >= l.v_end)
        return LoadStatus::fail(XEN_EINVAL,
                                "build: HYPERCALL_PAGE 0x%llx outside the initial mapping "
                                "0x%llx-0x%llx",
                                static_cast<ull>(va), static_cast<ull>(l.v_start),
                                static_cast<ull>(l.v_end));
    // Stricter than Xen, which writes 4 KiB at whatever address is given:
    // an unaligned page would straddle two frames.
    if (va % kPageSize != 0)
        return LoadStatus::fail(XEN_EINVAL, "build: HYPERCALL_PAGE 0x%llx is not page-aligned",
                                static_cast<ull>(va));
    return {};
}

LoadStatus check_outside_p2m(const BuildLayout& l) {
    if (!l.p2m_outside) return {};
    if (l.p2m_start % kPageSize != 0)
        return LoadStatus::fail(XEN_EINVAL, "build: INIT_P2M 0x%llx is not page-aligned",
                                static_cast<ull>(l.p2m_start));
    bool low = l.p2m_end <= (u64{1} << 47);
    bool high = l.p2m_start >= xen::HYPERVISOR_VIRT_END;
    if ((!low && !high) || ranges_overlap(l.p2m_start, l.p2m_end, l.v_start, l.v_end))
        return LoadStatus::fail(XEN_EINVAL,
                                "build: INIT_P2M list 0x%llx-0x%llx overlaps the initial mapping "
                                "or the hypervisor area",
                                static_cast<ull>(l.p2m_start), static_cast<ull>(l.p2m_end));
    // The list gets L3s of its own under the bootstrap L4 (Linux asks for a
    // 512 GiB-aligned VA, so that is always so); sharing an L4 slot with the
    // initial mapping would need the two layouts' tables merged.
    constexpr unsigned kL4Shift = 39;
    if (ranges_overlap(l.p2m_start >> kL4Shift, ((l.p2m_end - 1) >> kL4Shift) + 1,
                       l.v_start >> kL4Shift, ((l.v_end - 1) >> kL4Shift) + 1))
        return LoadStatus::fail(XEN_EINVAL,
                                "build: INIT_P2M list 0x%llx-0x%llx shares a 512 GiB L4 slot "
                                "with the initial mapping 0x%llx-0x%llx",
                                static_cast<ull>(l.p2m_start), static_cast<ull>(l.p2m_end),
                                static_cast<ull>(l.v_start), static_cast<ull>(l.v_end));
    if (l.first_free_pfn() > l.nr_pages)
        return LoadStatus::fail(XEN_ENOMEM,
                                "build: domain too small: initial mapping and INIT_P2M list need "
                                "0x%llx pages, domain has 0x%llx",
                                static_cast<ull>(l.first_free_pfn()), static_cast<ull>(l.nr_pages));
    return {};
}

} // namespace

LoadStatus compute_build_layout(const PvImage& image, u64 nr_pages, u64 initrd_len,
                                BuildLayout& out) {
    BuildLayout l;
    l.nr_pages = nr_pages;
    l.v_start = image.virt_base;
    l.vkern_start = image.virt_kstart;
    l.vkern_end = image.virt_kend;
    l.entry = image.entry;
    l.hypercall_page = image.hypercall_page;

    if (!page_up(l.vkern_end, &l.initrd_start)) return too_big("kernel");
    l.initrd_end = l.initrd_start;
    // With MOD_START_PFN the kernel finds the initrd by PFN, unmapped.
    if (initrd_len != 0 && !image.mod_start_pfn &&
        !checked_add(l.initrd_start, initrd_len, &l.initrd_end))
        return too_big("initrd");

    u64 p2m_bytes = 0;
    if (!checked_mul(nr_pages, sizeof(u64), &p2m_bytes)) return too_big("p2m list", XEN_ENOMEM);
    if (!page_up(l.initrd_end, &l.p2m_start)) return too_big("p2m list");
    l.p2m_end = l.p2m_start;
    if (!image.init_p2m.present && !checked_add(l.p2m_start, p2m_bytes, &l.p2m_end))
        return too_big("p2m list");

    if (!page_up(l.p2m_end, &l.start_info_start)) return too_big("start_info");
    l.start_info_end = l.start_info_start + kStartInfoReserve;
    if (!page_up(l.start_info_end, &l.pt_start)) return too_big("page tables");

    // v_end depends on the number of table pages and vice versa: take the
    // smallest count (at least 2) that maps its own layout. The needed count
    // only grows with the candidate, so this ends; nr_pages bounds it.
    for (u64 nr_pt = 2;; nr_pt++) {
        if (!place_tail(l, nr_pt)) return too_big("boot stack");
        if (nr_pt > nr_pages)
            return LoadStatus::fail(XEN_ENOMEM,
                                    "build: domain too small for its bootstrap page tables "
                                    "(0x%llx pages)",
                                    static_cast<ull>(nr_pages));
        if (page_tables_needed(l.v_start, l.v_end) <= nr_pt) break;
    }

    l.initrd_len = initrd_len;
    if (initrd_len != 0) {
        u64 bytes = 0;
        if (!page_up(initrd_len, &bytes)) return too_big("initrd");
        l.initrd_pages = bytes >> kPageShift;
        l.initrd_unmapped = image.mod_start_pfn;
        l.initrd_first_pfn = l.initrd_unmapped ? l.mapped_pages() : l.pfn_of_va(l.initrd_start);
    }

    // The INIT_P2M list lives outside [v_start, v_end), at the kernel's VA.
    if (image.init_p2m.present) {
        l.p2m_outside = true;
        l.p2m_start = image.init_p2m.value;
        u64 p2m_size = 0;
        if (!page_up(p2m_bytes, &p2m_size) || !checked_add(l.p2m_start, p2m_size, &l.p2m_end))
            return too_big("INIT_P2M list");
        l.p2m_first_pfn =
            l.initrd_unmapped ? l.initrd_first_pfn + l.initrd_pages : l.mapped_pages();
        l.p2m_nr_data = p2m_size >> kPageShift;
        for (unsigned level = 3; level >= 1; level--)
            l.p2m_nr_pt += page_tables_at_level(l.p2m_start, l.p2m_end, level);
    }

    TRY_LOAD(check_address_space(l));
    TRY_LOAD(check_hypercall_page(l));
    TRY_LOAD(check_outside_p2m(l));
    if (l.first_free_pfn() > l.nr_pages)
        return LoadStatus::fail(XEN_ENOMEM,
                                "build: domain too small: initial mapping and initrd "
                                "need 0x%llx pages, domain has 0x%llx",
                                static_cast<ull>(l.first_free_pfn()), static_cast<ull>(l.nr_pages));
    out = l;
    return {};
}
