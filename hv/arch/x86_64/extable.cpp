#include "hv/arch/x86_64/extable.hpp"

struct ExtableEntry {
    u64 fault_rip;
    u64 resume_rip;
};

extern "C" const ExtableEntry __extable_start[], __extable_end[];

namespace arch {

u64 extable_fixup(u64 rip) {
    for (const ExtableEntry* e = __extable_start; e != __extable_end; e++)
        if (e->fault_rip == rip) return e->resume_rip;
    return 0;
}

} // namespace arch
