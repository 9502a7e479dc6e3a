#include "guest/shared_info.hpp"

#include "guest/arch/x86_64/hypercall.hpp"

namespace guest {
namespace {

constexpr u64 kPtePresent = 1u << 0;
constexpr u64 kPteWritable = 1u << 1;

// The VA we map shared_info at. Its own frame stays allocated to us but
// unmapped: one page is cheaper than finding a free VA outside the 1:1 map,
// which would need a new L1 table.
alignas(4096) u8 shared_info_window[4096];
xen::SharedInfo* mapped = nullptr;

} // namespace

long map_shared_info(const xen::StartInfo& start_info) {
    u64 va = reinterpret_cast<u64>(shared_info_window);
    u64 pte = page_round_down(start_info.shared_info) | kPtePresent | kPteWritable;
    long rc = update_va_mapping(va, pte, xen::UVMF_INVLPG);
    if (rc == 0) mapped = reinterpret_cast<xen::SharedInfo*>(shared_info_window);
    return rc;
}

xen::SharedInfo* shared_info() {
    return mapped;
}

} // namespace guest
