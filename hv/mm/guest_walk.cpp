#include "hv/mm/guest_walk.hpp"

#include "hv/core/mm/pte.hpp"
#include "hv/mm/machine_mm.hpp"

Result<L1Slot> find_l1_slot(u64 l4_mfn, u64 va) {
    u64 table = l4_mfn;
    for (unsigned level = 4; level > 1; level--) {
        if (!frame_table().is_ram(table)) return XEN_EINVAL;
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;
        u64 e = mm::pte_read(static_cast<u64*>(map_frame(table)) + idx);
        if (!mm::pte_present(e) || (level <= 3 && (e & mm::PTE_PS))) return XEN_EINVAL;
        table = mm::pte_mfn(e);
    }
    if (!frame_table().is_ram(table)) return XEN_EINVAL;
    return L1Slot{table, static_cast<unsigned>((va >> 12) & 511)};
}
