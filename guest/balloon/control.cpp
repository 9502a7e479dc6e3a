#include "guest/balloon/control.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/balloon/protocol.hpp"
#include "guest/blk/pv.hpp"
#include "guest/clock.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/layout.hpp"

namespace guest::balloon {
namespace {

constexpr unsigned kMaxDomUs = 8;
constexpr u64 kPteFlags = 0x3; // present, writable

alignas(4096) u8 g_windows[kMaxDomUs][kPageSize];

struct Slot {
    bool used = false;
    u16 domid = 0;
    u32 port = 0; // ours, bound to the driver's; 0 until ready
};
Slot g_slots[kMaxDomUs];

Slot* find(u16 domid) {
    for (Slot& s : g_slots)
        if (s.used && s.domid == domid) return &s;
    return nullptr;
}

volatile Mailbox* mailbox(const Slot& s) {
    return reinterpret_cast<volatile Mailbox*>(g_windows[&s - g_slots] + kMailboxOffset);
}

} // namespace

long balloon_attach(u16 domid, u64 store_mfn) {
    for (Slot& s : g_slots) {
        if (s.used) continue;
        void* w = g_windows[&s - g_slots];
        long rc = hypercall4<xen::HC_update_va_mapping_otherdomain>(
            reinterpret_cast<u64>(w), (store_mfn << kPageShift) | kPteFlags, xen::UVMF_INVLPG,
            domid);
        if (rc) return rc;
        s = {true, domid, 0};
        return 0;
    }
    return -XEN_ENOSPC;
}

bool balloon_ready(u16 domid) {
    Slot* s = find(domid);
    if (!s) return false;
    if (s->port) return true;
    volatile Mailbox* mb = mailbox(*s);
    if (mb->magic != kMagic) return false;
    long local = blk::bind_interdomain(domid, mb->port);
    if (local < 0) return false;
    s->port = static_cast<u32>(local);
    return true;
}

long balloon_set_target(u16 domid, u64 pages, u64 timeout_ns) {
    Slot* s = find(domid);
    if (!s || !balloon_ready(domid)) return -XEN_ENOENT;
    volatile Mailbox* mb = mailbox(*s);
    u32 seq = mb->target_seq + 1;
    mb->target_pages = pages;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    mb->target_seq = seq;
    blk::notify(s->port);
    u64 deadline = system_time_ns() + timeout_ns;
    while (mb->done_seq != seq)
        if (blk::wait_any(&s->port, 1, deadline) < 0 && mb->done_seq != seq) return -XEN_ETIMEDOUT;
    return static_cast<long>(mb->actual_pages);
}

void balloon_stop(u16 domid) {
    Slot* s = find(domid);
    if (!s || !balloon_ready(domid)) return;
    mailbox(*s)->command = kStop;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    blk::notify(s->port);
}

void balloon_detach(u16 domid) {
    Slot* s = find(domid);
    if (!s) return;
    if (s->port) blk::close_port(s->port);
    // Our mapping of its frame would keep the frame alive past destruction.
    (void)update_va_mapping(reinterpret_cast<u64>(g_windows[s - g_slots]), 0, xen::UVMF_INVLPG);
    *s = {};
}

} // namespace guest::balloon
