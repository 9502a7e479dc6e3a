// Using a grant: the entry checks of map and copy, and the GTF_reading /
// GTF_writing flags the hypervisor keeps set while a grant is pinned so the
// granter can tell when it may safely revoke it (Xen's _set_status).
#include "hv/core/grant/grant_table.hpp"

namespace grant {

using namespace xen;

namespace {

constexpr unsigned kCasRetries = 4;

u16 hdr_flags(u32 h) {
    return static_cast<u16>(h);
}
u16 hdr_domid(u32 h) {
    return static_cast<u16>(h >> 16);
}

// The entry allows `user` this kind of access. Sub-page grants are never
// mappable and not supported for copy either.
bool entry_allows(u32 h, u16 user, bool readonly) {
    u16 flags = hdr_flags(h);
    if ((flags & (GTF_type_mask | GTF_sub_page)) != GTF_permit_access) return false;
    if (hdr_domid(h) != user) return false;
    return readonly || !(flags & GTF_readonly);
}

u8* counter(ActiveEntry& a, bool host, bool readonly) {
    if (host) return readonly ? &a.host_ro : &a.host_rw;
    return readonly ? &a.dev_ro : &a.dev_rw;
}

} // namespace

u32* GrantTable::header(u32 ref) const {
    unsigned size = version_ == 1 ? sizeof(GrantEntryV1) : sizeof(GrantEntryV2);
    return reinterpret_cast<u32*>(shared_bytes(ref, size));
}

u64 GrantTable::entry_frame(u32 ref) const {
    if (version_ == 1) {
        auto* e = shared_bytes(ref, sizeof(GrantEntryV1));
        return __atomic_load_n(reinterpret_cast<u32*>(e + offsetof(GrantEntryV1, frame)),
                               __ATOMIC_ACQUIRE);
    }
    auto* e = shared_bytes(ref, sizeof(GrantEntryV2));
    return __atomic_load_n(reinterpret_cast<u64*>(e + offsetof(GrantEntryV2, frame)),
                           __ATOMIC_ACQUIRE);
}

Gntst GrantTable::set_status(u32 ref, u16 user, bool readonly) {
    u16 bits = static_cast<u16>(GTF_reading | (readonly ? 0 : GTF_writing));
    u32* hdr = header(ref);
    u32 cur = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
    if (version_ == 1) {
        // The guest may rewrite the entry concurrently: the flags are set
        // only on the exact header value that passed the checks.
        for (unsigned tries = 0;; tries++) {
            if (!entry_allows(cur, user, readonly)) return GNTST_general_error;
            if (__atomic_compare_exchange_n(hdr, &cur, cur | bits, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE))
                return GNTST_okay;
            if (tries == kCasRetries) return GNTST_general_error; // entry is unstable
        }
    }
    if (!entry_allows(cur, user, readonly)) return GNTST_general_error;
    __atomic_fetch_or(status_word(ref), bits, __ATOMIC_SEQ_CST);
    // v2 keeps the flags apart: after publishing the status, re-check that
    // the entry did not change under us, else the granter may believe it
    // revoked a grant that is about to be mapped.
    u32 again = __atomic_load_n(hdr, __ATOMIC_SEQ_CST);
    if (!entry_allows(again, user, readonly)) {
        u16 undo = readonly ? 0 : GTF_writing;
        if (!active_entry(ref)->pinned()) undo |= GTF_reading;
        clear_status(ref, undo);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

void GrantTable::clear_status(u32 ref, u16 bits) {
    if (!bits) return;
    u16* word = version_ == 1 ? reinterpret_cast<u16*>(header(ref)) : status_word(ref);
    __atomic_fetch_and(word, static_cast<u16>(~bits), __ATOMIC_RELEASE);
}

Gntst GrantTable::pin(u32 ref, u16 user, u32 how, u64* mfn) {
    if (ref >= nr_entries()) return GNTST_bad_gntref;
    bool readonly = how & GNTMAP_readonly;
    bool host = how & GNTMAP_host_map, dev = how & GNTMAP_device_map;
    ActiveEntry& a = *active_entry(ref);
    // A pinned grant belongs to the domain that pinned it; counters are
    // bounded so an overflow can never make a pin vanish.
    if (a.pinned() && a.domid != user) return GNTST_general_error;
    if ((host && *counter(a, true, readonly) == 0xFF) ||
        (dev && *counter(a, false, readonly) == 0xFF))
        return GNTST_general_error;

    if (!a.pinned() || (!readonly && !a.pinned_writable())) {
        if (Gntst s = set_status(ref, user, readonly); s != GNTST_okay) return s;
        if (!a.pinned()) {
            u64 frame = entry_frame(ref);
            // PV guests grant machine frames; only their own RAM.
            if (!frames_.is_ram(frame) || frames_[frame].owner != owner_) {
                clear_status(ref, static_cast<u16>(GTF_reading | (readonly ? 0 : GTF_writing)));
                return GNTST_bad_page;
            }
            a.domid = user;
            a.mfn = frame;
        }
    }
    if (host) ++*counter(a, true, readonly);
    if (dev) ++*counter(a, false, readonly);
    *mfn = a.mfn;
    return GNTST_okay;
}

void GrantTable::unpin(u32 ref, u32 how) {
    if (ref >= nr_entries()) return;
    bool readonly = how & GNTMAP_readonly;
    ActiveEntry& a = *active_entry(ref);
    // An unbalanced unpin is a hypervisor bug: never wrap a counter.
    if (how & GNTMAP_host_map) {
        u8* c = counter(a, true, readonly);
        if (*c) --*c;
    }
    if (how & GNTMAP_device_map) {
        u8* c = counter(a, false, readonly);
        if (*c) --*c;
    }
    u16 clear = 0;
    if (!readonly && !a.pinned_writable()) clear |= GTF_writing;
    if (!a.pinned()) clear |= GTF_reading;
    clear_status(ref, clear);
}

} // namespace grant
