// Descriptor tables (docs/pv-abi.md §3.4.3, §3.4.7): GDT frames must be
// read-only to the guest and pass descriptor validation, which the typing
// core enforces by giving them the segment-descriptor type.
#include "hv/hypercall/descriptors.hpp"
#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"

Status install_gdt(Vcpu* v, const u64* frames, u64 entries) {
    if (entries > xen::FIRST_RESERVED_GDT_ENTRY) return XEN_EINVAL;
    unsigned nr = static_cast<unsigned>((entries + 511) / 512);
    auto& types = page_types();
    for (unsigned i = 0; i < nr; i++) {
        if (!types.get_seg_desc_frame(frames[i], v->domain->mm).ok()) {
            while (i--)
                types.put_seg_desc_frame(frames[i]);
            return XEN_EINVAL;
        }
    }
    for (unsigned i = 0; i < v->gdt_frame_count; i++)
        types.put_seg_desc_frame(v->gdt_frames[i]);
    for (unsigned i = 0; i < nr; i++)
        v->gdt_frames[i] = frames[i];
    v->gdt_frame_count = nr;
    v->gdt_ents = static_cast<unsigned>(entries);
    if (cpu_info()->current == v) arch::load_guest_gdt_frames(v->gdt_frames, nr);
    return {};
}

i64 hc_set_gdt(Vcpu* v, const HypercallArgs& a) {
    u64 list = a.a[0];
    u64 entries = a.a[1];
    if (entries > xen::FIRST_RESERVED_GDT_ENTRY) return hc_error(XEN_EINVAL);
    unsigned nr = static_cast<unsigned>((entries + 511) / 512);
    u64 frames[kMaxGdtFrames];
    if (nr && !copy_from_guest(frames, list, nr * sizeof(u64)).ok()) return hc_error(XEN_EFAULT);
    return hc_status(install_gdt(v, frames, entries));
}

i64 hc_update_descriptor(Vcpu* v, const HypercallArgs& a) {
    return hc_status(page_types().update_descriptor(a.a[0], a.a[1], v->domain->mm));
}
