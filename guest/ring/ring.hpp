// A shared-memory descriptor ring in the shape of Xen's public/io/ring.h
// (the paper's asynchronous I/O rings): one page holds four free-running
// indices and a power-of-two array of slots, each a request or, once the
// backend has answered, a response in the same slot. Each side keeps private
// indices; only the producer indices and the event thresholds are shared.
//
// Notifications use the event-index trick: a consumer that runs out of work
// writes "wake me when the producer passes index E" (req_event/rsp_event);
// a producer that moves its index from old to new notifies only if E lies in
// (old, new]. A busy consumer therefore costs the producer no event sends.
//
// Plain C++ over raw memory: the guest drivers and the host unit tests use
// the same code. The other side may write the shared page at any time, so
// every shared index is read once into a local (and must be validated by the
// backend before use), and requests are copied out before they are checked.
#pragma once

#include "hv/lib/types.hpp"

namespace ring {

using RingIdx = u32;

constexpr u32 pow2_floor(u32 n) {
    u32 p = 1;
    while (p * 2 <= n)
        p *= 2;
    return p;
}

// Full barrier between our writes and the other side's reads (Xen's mb()):
// the producer publishes an index and then reads the consumer's threshold.
inline void full_barrier() {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

inline RingIdx load(const RingIdx& i) {
    return __atomic_load_n(&i, __ATOMIC_ACQUIRE);
}
inline void store(RingIdx& i, RingIdx v) {
    __atomic_store_n(&i, v, __ATOMIC_RELEASE);
}

// The shared page. Bytes is its size (one page for every ring here).
template <class Req, class Rsp, usize Bytes = kPageSize>
struct SharedRing {
    union Slot {
        Req req;
        Rsp rsp;
    };
    static constexpr u32 kHeader = 64; // Xen's header: 4 indices + 48 bytes of padding
    static constexpr u32 kSlots = pow2_floor((Bytes - kHeader) / sizeof(Slot));

    RingIdx req_prod;
    RingIdx req_event;
    RingIdx rsp_prod;
    RingIdx rsp_event;
    u8 pad[48];
    Slot slots[kSlots];

    // SHARED_RING_INIT: the first request and the first response notify.
    void init() {
        req_prod = rsp_prod = 0;
        req_event = rsp_event = 1;
    }
};

// Whether moving a producer index from old_prod to new_prod passes the
// other side's wake-up threshold. Unsigned differences keep this right
// across the 2^32 wraparound.
inline bool passes_event(RingIdx old_prod, RingIdx new_prod, RingIdx event) {
    return static_cast<RingIdx>(new_prod - event) < static_cast<RingIdx>(new_prod - old_prod);
}

// The frontend: produces requests, consumes responses.
template <class Shared>
struct FrontRing {
    static constexpr u32 kSlots = Shared::kSlots;
    Shared* sring = nullptr;
    RingIdx req_prod_pvt = 0; // requests written but maybe not yet published
    RingIdx rsp_cons = 0;     // next response to read

    void attach(Shared* s) {
        sring = s;
        req_prod_pvt = 0;
        rsp_cons = 0;
    }
    // Slots not holding an unanswered request or an unread response.
    u32 free_requests() const { return kSlots - (req_prod_pvt - rsp_cons); }
    bool full() const { return free_requests() == 0; }
    auto& next_request() { return sring->slots[req_prod_pvt++ & (kSlots - 1)].req; }

    // RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.
    [[nodiscard]] bool push_requests() {
        RingIdx old_prod = sring->req_prod;
        RingIdx new_prod = req_prod_pvt;
        store(sring->req_prod, new_prod); // slots before index (release)
        full_barrier();                   // index before reading req_event
        return passes_event(old_prod, new_prod, load(sring->req_event));
    }

    bool has_responses() const { return load(sring->rsp_prod) != rsp_cons; }
    const auto& next_response() { return sring->slots[rsp_cons++ & (kSlots - 1)].rsp; }

    // RING_FINAL_CHECK_FOR_RESPONSES: before sleeping, ask to be woken by
    // the next response, then look again in case it raced the request.
    [[nodiscard]] bool final_check_for_responses() {
        if (has_responses()) return true;
        store(sring->rsp_event, rsp_cons + 1);
        full_barrier();
        return has_responses();
    }
};

// The backend: consumes requests, produces responses.
template <class Shared>
struct BackRing {
    static constexpr u32 kSlots = Shared::kSlots;
    using Req = decltype(Shared::Slot::req);
    using Rsp = decltype(Shared::Slot::rsp);
    Shared* sring = nullptr;
    RingIdx rsp_prod_pvt = 0; // responses written but maybe not yet published
    RingIdx req_cons = 0;     // next request to read

    void attach(Shared* s) {
        sring = s;
        rsp_prod_pvt = 0;
        req_cons = 0;
    }

    // Requests the frontend has published and we have not read, or false
    // if its req_prod is impossible: more requests outstanding than slots
    // (or behind what we already read), which would make us read slots it
    // is still writing or answer over unread responses.
    [[nodiscard]] bool unconsumed(RingIdx req_prod, u32& count) const {
        if (static_cast<u32>(req_prod - rsp_prod_pvt) > kSlots) return false;
        if (static_cast<u32>(req_prod - req_cons) > static_cast<u32>(req_prod - rsp_prod_pvt))
            return false;
        count = req_prod - req_cons;
        return true;
    }
    RingIdx request_producer() const { return load(sring->req_prod); }

    // Copies the next request out of shared memory: everything the backend
    // checks must be a private copy the frontend can no longer change.
    Req take_request() {
        Req r;
        __builtin_memcpy(&r, &sring->slots[req_cons++ & (kSlots - 1)].req, sizeof r);
        return r;
    }

    void put_response(const Rsp& rsp) {
        __builtin_memcpy(&sring->slots[rsp_prod_pvt++ & (kSlots - 1)].rsp, &rsp, sizeof rsp);
    }

    // RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.
    [[nodiscard]] bool push_responses() {
        RingIdx old_prod = sring->rsp_prod;
        RingIdx new_prod = rsp_prod_pvt;
        store(sring->rsp_prod, new_prod);
        full_barrier();
        return passes_event(old_prod, new_prod, load(sring->rsp_event));
    }

    // RING_FINAL_CHECK_FOR_REQUESTS: true if more requests arrived while
    // we asked to be woken for the next one.
    [[nodiscard]] bool final_check_for_requests() {
        if (request_producer() != req_cons) return true;
        store(sring->req_event, req_cons + 1);
        full_barrier();
        return request_producer() != req_cons;
    }
};

} // namespace ring
