#include "hv/debug/guest_va.hpp"

#include "hv/abi/layout.hpp"
#include "hv/core/mm/pte.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/guest_walk.hpp"
#include "hv/mm/machine_mm.hpp"

namespace {
constexpr u64 kPage = 4096;

bool writable_by_debugger(u64 mfn) {
    switch (frame_table().active_type(mfn)) {
    case mm::FrameType::L1:
    case mm::FrameType::L2:
    case mm::FrameType::L3:
    case mm::FrameType::L4:
    case mm::FrameType::SegDesc:
        return false;
    default:
        return true;
    }
}
} // namespace

bool guest_va_frame(u64 l4_mfn, u64 va, u64& mfn) {
    // The hypervisor's slots are in every guest L4: never let the debugger
    // read the hypervisor through them.
    if (!l4_mfn || !xen::is_canonical(va) || !xen::guest_addr_ok(va)) return false;
    auto slot = find_l1_slot(l4_mfn, va);
    if (!slot) return false;
    u64 e = mm::pte_read(static_cast<u64*>(map_frame(slot->table_mfn)) + slot->index);
    if (!mm::pte_present(e)) return false;
    mfn = mm::pte_mfn(e);
    return frame_table().is_ram(mfn);
}

usize guest_va_read(u64 l4_mfn, u64 va, u8* out, usize len) {
    usize done = 0;
    while (done < len) {
        u64 mfn;
        if (!guest_va_frame(l4_mfn, va + done, mfn)) break;
        u64 off = (va + done) & (kPage - 1);
        usize n = kPage - off < len - done ? kPage - off : len - done;
        memcpy(out + done, static_cast<u8*>(map_frame(mfn)) + off, n);
        done += n;
    }
    return done;
}

bool guest_va_write(u64 l4_mfn, u64 va, const u8* data, usize len) {
    // Check every page first, so a failed write leaves memory unchanged.
    for (u64 p = va & ~(kPage - 1); p < va + len; p += kPage) {
        u64 mfn;
        if (!guest_va_frame(l4_mfn, p, mfn) || !writable_by_debugger(mfn)) return false;
    }
    usize done = 0;
    while (done < len) {
        u64 mfn = 0;
        (void)guest_va_frame(l4_mfn, va + done, mfn);
        u64 off = (va + done) & (kPage - 1);
        usize n = kPage - off < len - done ? kPage - off : len - done;
        memcpy(static_cast<u8*>(map_frame(mfn)) + off, data + done, n);
        done += n;
    }
    return true;
}
