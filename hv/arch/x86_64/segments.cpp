#include "hv/arch/x86_64/segments.hpp"

extern "C" void load_selector_ds(u16), load_selector_es(u16), load_selector_fs(u16),
    load_selector_gs(u16);

namespace arch {

void load_data_selectors(const DataSelectors& s) {
    load_selector_ds(s.ds);
    load_selector_es(s.es);
    load_selector_fs(s.fs);
    load_selector_gs(s.gs);
}

} // namespace arch
