#include "hv/core/inject/ring_tamper.hpp"

namespace inject {

namespace {

constexpr usize kRspProd = 8; // req_prod, req_event, rsp_prod, rsp_event
constexpr usize kRspEvent = 12;

u32 load_u32(const u8* p) {
    return __atomic_load_n(reinterpret_cast<const u32*>(p), __ATOMIC_ACQUIRE);
}

// How many published responses are at or after rsp_event - 1 (what the
// frontend has not yet consumed when it waits for this notification).
u32 fresh(const u8* page, u32& prod) {
    prod = load_u32(page + kRspProd);
    u32 event = load_u32(page + kRspEvent);
    return prod - (event - 1);
}

u8* slot(u8* page, const RingTarget& r, u32 index) {
    return page + r.header + static_cast<usize>(index & (r.slots - 1)) * r.slot_size;
}

} // namespace

bool corrupt_newest_response(u8* page, const RingTarget& r, u32& index) {
    u32 prod;
    u32 n = fresh(page, prod);
    if (n == 0 || n > r.slots) return false;
    index = prod - 1;
    u8* field = slot(page, r, index) + r.field_offset;
    for (unsigned b = 0; b < r.field_size; b++)
        field[b] = static_cast<u8>(r.value >> (8 * b));
    return true;
}

bool swap_newest_responses(u8* page, const RingTarget& r, u32& first_index) {
    u32 prod;
    u32 n = fresh(page, prod);
    if (n < 2 || n > r.slots) return false;
    first_index = prod - 2;
    u8* a = slot(page, r, prod - 2);
    u8* b = slot(page, r, prod - 1);
    for (u32 i = 0; i < r.slot_size; i++) {
        u8 t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
    return true;
}

} // namespace inject
