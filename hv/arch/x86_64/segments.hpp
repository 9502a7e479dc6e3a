// Data segment selectors of the running guest (SDM Vol. 3A §3.4.4). In
// 64-bit mode the hypervisor never uses DS/ES/FS/GS, so guest selectors stay
// loaded across hypervisor entries and only need saving on a vCPU switch.
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

struct DataSelectors {
    u16 ds, es, fs, gs;
};

inline DataSelectors read_data_selectors() {
    DataSelectors s;
    asm volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                 : "=r"(s.ds), "=r"(s.es), "=r"(s.fs), "=r"(s.gs));
    return s;
}

// Loading FS/GS clears their 64-bit bases: the caller writes the bases
// (MSRs) afterwards. A selector that does not load (the guest changed its
// GDT) falls back to null, via the exception table.
void load_data_selectors(const DataSelectors& s);

} // namespace arch
