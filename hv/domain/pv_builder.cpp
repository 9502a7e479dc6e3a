#include "hv/domain/pv_builder.hpp"

#include "hv/abi/layout.hpp"
#include "hv/core/domain/build_layout.hpp"
#include "hv/core/domain/build_layout_tables.hpp"
#include "hv/core/domain/hypercall_page.hpp"
#include "hv/core/domain/pv_image.hpp"
#include "hv/core/mm/pte.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/time/clock.hpp"
#include "hv/time/vcpu_timers.hpp"

namespace {

// Entry flags the builder writes (docs/pv-abi.md §1.6): upper levels
// P|RW|US|A|D; L1 P|RW|US|A plus the guest-kernel marker, RW cleared for
// the page-table pages themselves.
constexpr u64 kUpperFlags = mm::PTE_P | mm::PTE_RW | mm::PTE_US | mm::PTE_A | mm::PTE_D;
constexpr u64 kL1Flags = mm::PTE_P | mm::PTE_RW | mm::PTE_US | mm::PTE_A | mm::PTE_GUEST_KERNEL;

// The domain's frames during construction: PFN n is backed by mfns[n].
struct FrameList {
    u64* mfns = nullptr;
    u64 count = 0;
    u64 list_first = 0, list_pages = 0; // hypervisor frames holding mfns[]

    u64* frame_at_va(const BuildLayout& l, u64 va) const {
        return static_cast<u64*>(map_frame(mfns[l.pfn_of_va(va)]));
    }
};

class BuilderWriter final : public GuestMemoryWriter {
  public:
    BuilderWriter(const BuildLayout& l, const FrameList& f) : l_(l), f_(f) {}
    Status write(u64 va, const u8* src, u64 len) override { return each(va, len, src); }
    Status zero(u64 va, u64 len) override { return each(va, len, nullptr); }

  private:
    Status each(u64 va, u64 len, const u8* src) {
        if (va < l_.v_start || va + len > l_.v_end || va + len < va) return XEN_EINVAL;
        while (len) {
            u64 off = va & (kPageSize - 1);
            u64 n = kPageSize - off < len ? kPageSize - off : len;
            u8* dst = reinterpret_cast<u8*>(f_.frame_at_va(l_, va)) + off;
            if (src) {
                memcpy(dst, src, n);
                src += n;
            } else {
                memset(dst, 0, n);
            }
            va += n;
            len -= n;
        }
        return {};
    }
    const BuildLayout& l_;
    const FrameList& f_;
};

void discard_shared_info(Domain* d) {
    free_hv_frames(d->shared_info_mfn, 1);
    d->shared_info_mfn = 0;
    d->shared_info = nullptr;
}

void release_frames(FrameList& f, u64 allocated) {
    for (u64 i = 0; i < allocated; i++) {
        (void)frame_table().assign(f.mfns[i], 1, mm::kOwnerFree);
        m2p_set(f.mfns[i], ~0ull);
        (void)hv_frames().free(f.mfns[i], 1);
    }
    if (f.list_pages) free_hv_frames(f.list_first, f.list_pages);
}

LoadStatus allocate_frames(Domain* d, u64 nr_pages, FrameList& f) {
    f.list_pages = page_round_up(nr_pages * 8) >> kPageShift;
    auto list = alloc_hv_frames(f.list_pages);
    if (!list.ok()) {
        f.list_pages = 0;
        return LoadStatus::fail(XEN_ENOMEM, "out of memory for the frame list");
    }
    f.list_first = *list;
    f.mfns = static_cast<u64*>(map_frame(*list));
    for (u64 pfn = 0; pfn < nr_pages; pfn++) {
        auto mfn = hv_frames().alloc(1);
        if (!mfn.ok() || !frame_table().assign(*mfn, 1, d->id)) {
            release_frames(f, pfn);
            return LoadStatus::fail(XEN_ENOMEM, "out of memory: %lu of %lu pages allocated", pfn,
                                    nr_pages);
        }
        f.mfns[pfn] = *mfn;
        memset(map_frame(*mfn), 0, kPageSize);
        m2p_set(*mfn, pfn);
    }
    f.count = nr_pages;
    return {};
}

Status write_page_tables(const BuildLayout& l, const FrameList& f) {
    return for_each_pt_entry(l, [&](const PtEntry& e) -> Status {
        u64* table = static_cast<u64*>(map_frame(f.mfns[e.table_pfn]));
        u64 flags = e.table_level == 1 ? kL1Flags : kUpperFlags;
        if (!e.writable) flags &= ~mm::PTE_RW;
        table[e.slot] = mm::make_pte(f.mfns[e.target_pfn], flags);
        return {};
    });
}

// The initrd into its pages (mapped or not, they are consecutive PFNs).
void copy_initrd(const BuildLayout& l, const FrameList& f, const u8* src) {
    for (u64 k = 0; k < l.initrd_pages; k++) {
        u64 off = k << kPageShift;
        u64 n = l.initrd_len - off < kPageSize ? l.initrd_len - off : kPageSize;
        memcpy(map_frame(f.mfns[l.initrd_first_pfn + k]), src + off, n);
    }
}

// The p2m list, inside the initial mapping or (INIT_P2M) in its own frames,
// which are unmapped here: they are reached by PFN.
void write_p2m_list(const BuildLayout& l, const FrameList& f) {
    constexpr u64 kPerPage = kPageSize / sizeof(u64);
    for (u64 pfn = 0; pfn < f.count; pfn++) {
        u64* page = nullptr;
        if (l.p2m_outside) {
            page = static_cast<u64*>(map_frame(f.mfns[l.p2m_data_first_pfn() + pfn / kPerPage]));
        } else {
            page = f.frame_at_va(l, l.p2m_start + pfn * sizeof(u64));
        }
        page[pfn % kPerPage] = f.mfns[pfn];
    }
}

void fill_start_info(Domain* d, const PvBuildRequest& req, const BuildLayout& l,
                     const FrameList& f) {
    auto* si = reinterpret_cast<xen::StartInfo*>(f.frame_at_va(l, l.start_info_start));
    memset(si, 0, sizeof *si);
    copy_string(si->magic, sizeof si->magic, "xen-3.0-x86_64");
    si->nr_pages = req.nr_pages;
    si->shared_info = d->shared_info_mfn << kPageShift;
    si->flags = req.hardware_domain ? (xen::SIF_PRIVILEGED | xen::SIF_INITDOMAIN) : 0;
    si->pt_base = l.pt_start;
    si->nr_pt_frames = l.nr_pt_frames;
    si->mfn_list = l.p2m_start;
    if (l.initrd_len) {
        si->mod_start = l.initrd_unmapped ? l.initrd_first_pfn : l.initrd_start;
        si->mod_len = l.initrd_len;
        if (l.initrd_unmapped) si->flags |= xen::SIF_MOD_START_PFN;
    }
    if (l.p2m_outside) {
        si->first_p2m_pfn = l.p2m_first_pfn;
        si->nr_p2m_frames = l.nr_p2m_frames();
    }
    copy_string(si->cmd_line, sizeof si->cmd_line, req.cmdline);
    if (!req.hardware_domain) {
        si->console.domU.mfn = d->console_mfn;
        si->console.domU.evtchn = d->console_port;
        si->store_mfn = d->store_mfn;
        si->store_evtchn = d->store_port;
    }
}

// A domU's console and xenstore rings: the last two pages of its memory
// (outside the initial mapping, as Xen's toolstack places them), each with
// an unbound event channel that domain 0's backends bind to.
LoadStatus setup_domu_rings(Domain* d, const BuildLayout& l, const FrameList& f) {
    if (l.first_free_pfn() + 2 > f.count)
        return LoadStatus::fail(XEN_ENOMEM,
                                "no pages left for the console and store rings "
                                "(%lu pages, %lu mapped)",
                                f.count, l.mapped_pages());
    auto console = d->evtchn->alloc_unbound(0);
    auto store = d->evtchn->alloc_unbound(0);
    if (!console.ok() || !store.ok())
        return LoadStatus::fail(XEN_ENOSPC, "no event channels for the console and store");
    d->console_mfn = f.mfns[f.count - 1];
    d->store_mfn = f.mfns[f.count - 2];
    d->console_port = *console;
    d->store_port = *store;
    return {};
}

void setup_boot_vcpu(Domain* d, const BuildLayout& l, u64 l4_mfn) {
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        Vcpu& v = d->vcpus[i];
        v.vcpu_info = i < xen::XEN_LEGACY_MAX_VCPUS ? &d->shared_info->vcpu_info[i] : nullptr;
        v.state = VcpuState::offline;
        vcpu_timers_init(&v);
        time_update_vcpu(&v);
        sched_add_vcpu(&v);
    }
    time_update_wallclock(d);
    Vcpu& v = d->vcpus[0];
    v.regs = {};
    v.regs.rip = l.entry;
    v.regs.rsp = l.initial_rsp();
    v.regs.rsi = l.start_info_start;
    v.regs.rflags = 0x202;
    v.regs.cs = xen::FLAT_KERNEL_CS;
    v.regs.ss = xen::FLAT_KERNEL_SS;
    v.kernel_mode = true;
    v.kernel_l4_mfn = l4_mfn;
    v.initialised = true;
    v.state = VcpuState::runnable;
}

} // namespace

LoadStatus build_pv_domain(Domain* d, const PvBuildRequest& req) {
    PvImage img;
    TRY_LOAD(load_pv_image(req.image, req.image_size, req.hardware_domain, img));
    BuildLayout layout;
    TRY_LOAD(compute_build_layout(img, req.nr_pages, req.initrd_size, layout));
    if (req.nr_vcpus == 0 || req.nr_vcpus > kMaxVcpus)
        return LoadStatus::fail(XEN_EINVAL, "%u vCPUs requested (1..%u)", req.nr_vcpus, kMaxVcpus);

    d->mm.id = d->id;
    d->mm.io_mem_allowed = req.hardware_domain;
    d->mm.cache_flush_permitted = req.hardware_domain;
    d->mm.nx_available = true;
    d->mm.paddr_bits = 46;
    d->mm.hypervisor_l4 = hypervisor_l4_slots();
    d->privileged = req.hardware_domain;
    d->nr_vcpus = req.nr_vcpus;
    evtchn_init_domain(d);

    FrameList frames;
    TRY_LOAD(allocate_frames(d, req.nr_pages, frames));

    auto si = alloc_hv_frames(1);
    if (!si.ok() || !frame_table().share_with(*si, d->id)) {
        release_frames(frames, frames.count);
        return LoadStatus::fail(XEN_ENOMEM, "out of memory for shared_info");
    }
    d->shared_info_mfn = *si;
    d->shared_info = static_cast<xen::SharedInfo*>(map_frame(*si));
    for (auto& vi : d->shared_info->vcpu_info)
        vi.evtchn_upcall_mask = 1;
    d->shared_info->max_pfn = req.nr_pages;

    BuilderWriter writer(layout, frames);
    LoadStatus copied = copy_pv_segments(img, writer);
    if (!copied.ok()) {
        release_frames(frames, frames.count);
        discard_shared_info(d);
        return copied;
    }
    if (layout.hypercall_page.present)
        fill_pv64_hypercall_page(
            reinterpret_cast<u8*>(frames.frame_at_va(layout, layout.hypercall_page.value)));
    copy_initrd(layout, frames, req.initrd);
    write_p2m_list(layout, frames);
    if (!req.hardware_domain) {
        LoadStatus rings = setup_domu_rings(d, layout, frames);
        if (!rings.ok()) {
            release_frames(frames, frames.count);
            discard_shared_info(d);
            return rings;
        }
    }
    fill_start_info(d, req, layout, frames);
    // Cannot fail: the layout only names PFNs inside the initial mapping.
    (void)write_page_tables(layout, frames);

    // Type and validate the bootstrap tables like any guest table: pinned L4,
    // plus the reference it holds as the kernel base pointer.
    u64 l4_mfn = frames.mfns[layout.pfn_of_va(layout.pt_start)];
    Status pinned = page_types().pin(l4_mfn, mm::FrameType::L4, d->mm);
    if (!pinned.ok() || !page_types().get_base_pointer(l4_mfn, d->mm).ok()) {
        if (pinned.ok()) (void)page_types().unpin(l4_mfn, d->mm);
        release_frames(frames, frames.count);
        discard_shared_info(d);
        return LoadStatus::fail(XEN_EINVAL, "bootstrap page tables failed validation (%s)",
                                xen_errno_name(pinned.error()));
    }
    free_hv_frames(frames.list_first, frames.list_pages);

    d->nr_pages = req.nr_pages;
    d->max_pages = req.nr_pages;
    copy_string(d->cmdline, sizeof d->cmdline, req.cmdline);
    setup_boot_vcpu(d, layout, l4_mfn);
    LOG_INFO("d%u: %lu pages, image %lx-%lx, entry %lx, start_info %lx, page tables %lx (%lu)",
             d->id, req.nr_pages, layout.vkern_start, layout.vkern_end, layout.entry,
             layout.start_info_start, layout.pt_start, layout.nr_pt_frames);
    if (layout.initrd_len)
        LOG_INFO("d%u: initrd %lu bytes in PFNs %lx-%lx (%s)", d->id, layout.initrd_len,
                 layout.initrd_first_pfn, layout.initrd_first_pfn + layout.initrd_pages,
                 layout.initrd_unmapped ? "unmapped, by PFN" : "mapped");
    if (layout.p2m_outside)
        LOG_INFO("d%u: p2m list at %lx-%lx in PFNs %lx-%lx (%lu tables)", d->id, layout.p2m_start,
                 layout.p2m_end, layout.p2m_first_pfn,
                 layout.p2m_first_pfn + layout.nr_p2m_frames(), layout.p2m_nr_pt);
    return {};
}
