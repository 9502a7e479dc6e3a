#include "hv/mm/guest_walk.hpp"

#include "hv/mm/machine_mm.hpp"

Result<L1Slot> find_l1_slot(u64 l4_mfn, u64 va) {
    return hcore::find_l1_slot(frame_table(), page_types().mem(), l4_mfn, va);
}
