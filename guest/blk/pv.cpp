#include "guest/blk/pv.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/clock.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"

namespace guest::blk {
namespace {

constexpr u64 kPtePresent = 1u << 0;
constexpr u64 kPteWritable = 1u << 1;

const u64* g_p2m = nullptr;
u64 g_nr_pages = 0;
u64 g_base_va = 0; // pt_base, whose pfn anchors the linear initial mapping
u64 g_base_pfn = 0;

u64 read_cr3() {
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v)); // emulated by the hypervisor
    return v;
}

} // namespace

void pv_init(const xen::StartInfo& si) {
    g_p2m = reinterpret_cast<const u64*>(si.mfn_list);
    g_nr_pages = si.nr_pages;
    g_base_va = si.pt_base;
    // The initial mapping is linear in PFNs; the builder's L4 sits at
    // pt_base, so its PFN (found in the p2m) fixes the offset.
    u64 l4 = read_cr3() >> kPageShift;
    for (u64 pfn = 0; pfn < g_nr_pages; pfn++)
        if (g_p2m[pfn] == l4) g_base_pfn = pfn;
}

u64 mfn_of(const void* va) {
    i64 delta = static_cast<i64>(reinterpret_cast<u64>(va) - g_base_va) >> kPageShift;
    return g_p2m[g_base_pfn + static_cast<u64>(delta)];
}

long map_frame_at(void* window, u64 mfn) {
    return update_va_mapping(reinterpret_cast<u64>(window),
                             (mfn << kPageShift) | kPtePresent | kPteWritable, xen::UVMF_INVLPG);
}

long grant_table_op(unsigned cmd, void* ops, u32 count) {
    return hypercall3<xen::HC_grant_table_op>(cmd, reinterpret_cast<u64>(ops), count);
}

long alloc_unbound_for(u16 remote) {
    xen::EvtchnAllocUnbound op{xen::DOMID_SELF, remote, 0};
    long rc = event_channel_op(xen::EVTCHNOP_alloc_unbound, &op);
    return rc ? rc : static_cast<long>(op.port);
}

long bind_interdomain(u16 remote_dom, u32 remote_port) {
    xen::EvtchnBindInterdomain op{remote_dom, 0, remote_port, 0};
    long rc = event_channel_op(xen::EVTCHNOP_bind_interdomain, &op);
    return rc ? rc : static_cast<long>(op.local_port);
}

void notify(u32 port) {
    xen::EvtchnPort op{port};
    (void)event_channel_op(xen::EVTCHNOP_send, &op);
}

void close_port(u32 port) {
    xen::EvtchnPort op{port};
    (void)event_channel_op(xen::EVTCHNOP_close, &op);
}

bool take_pending(u32 port) {
    xen::SharedInfo* s = shared_info();
    if (!s) return false;
    u64 bit = 1ull << (port % 64);
    return __atomic_fetch_and(&s->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

int wait_any(const u32* ports, u32 n, u64 deadline_ns) {
    for (;;) {
        for (u32 i = 0; i < n; i++)
            if (take_pending(ports[i])) return static_cast<int>(i);
        if (deadline_ns && system_time_ns() >= deadline_ns) return -1;
        // Returns at once if one is already pending (set after our check).
        xen::SchedPoll poll{reinterpret_cast<u64>(ports), n, 0, deadline_ns};
        (void)sched_op(xen::SCHEDOP_poll, &poll);
    }
}

} // namespace guest::blk
