#include "guest/console_relay.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/console.hpp"
#include "guest/console_ring.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"

namespace guest {
namespace {

constexpr unsigned kMaxConsoles = 8;
constexpr u64 kPteFlags = 0x3; // present, writable
constexpr usize kLineMax = 200;

alignas(4096) u8 g_windows[kMaxConsoles][kPageSize];

struct Console {
    bool used = false;
    u16 domid = 0;
    u32 port = 0; // ours
    char line[kLineMax + 1];
    usize len = 0;
};
Console g_cons[kMaxConsoles];

volatile XenconsInterface* ring(const Console& c) {
    return reinterpret_cast<volatile XenconsInterface*>(g_windows[&c - g_cons]);
}

void emit(Console& c) {
    c.line[c.len] = '\0';
    printk("[d%u] %s\n", c.domid, c.line);
    c.len = 0;
}

void drain(Console& c) {
    volatile XenconsInterface* r = ring(c);
    u32 cons = r->out_cons;
    u32 prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > sizeof r->out) {
        // The domU wrote indices no producer could: skip what it claims.
        printk("[d%u] (console ring indices invalid: cons %u prod %u; reset)\n", c.domid, cons,
               prod);
        r->out_cons = prod;
        return;
    }
    if (prod == cons) return;
    for (; cons != prod; cons++) {
        char ch = r->out[cons % sizeof r->out];
        if (ch == '\r') continue;
        if (ch == '\n') {
            emit(c);
            continue;
        }
        c.line[c.len++] = ch;
        if (c.len == kLineMax) emit(c); // an overlong line goes out in pieces
    }
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    xen::EvtchnPort op{c.port};
    (void)event_channel_op(xen::EVTCHNOP_send, &op); // room again
}

Console* find(u16 domid) {
    for (Console& c : g_cons)
        if (c.used && c.domid == domid) return &c;
    return nullptr;
}

} // namespace

long console_relay_attach(u16 domid, u64 console_mfn, u32 console_port) {
    for (Console& c : g_cons) {
        if (c.used) continue;
        long rc = hypercall4<xen::HC_update_va_mapping_otherdomain>(
            reinterpret_cast<u64>(g_windows[&c - g_cons]), (console_mfn << kPageShift) | kPteFlags,
            xen::UVMF_INVLPG, domid);
        if (rc) return rc;
        xen::EvtchnBindInterdomain bind{domid, 0, console_port, 0};
        rc = event_channel_op(xen::EVTCHNOP_bind_interdomain, &bind);
        if (rc) {
            (void)update_va_mapping(reinterpret_cast<u64>(g_windows[&c - g_cons]), 0,
                                    xen::UVMF_INVLPG);
            return rc;
        }
        c.used = true;
        c.domid = domid;
        c.port = bind.local_port;
        c.len = 0;
        return 0;
    }
    return -XEN_ENOSPC;
}

void console_relay_pump() {
    for (Console& c : g_cons)
        if (c.used) drain(c);
}

void console_relay_detach(u16 domid) {
    Console* c = find(domid);
    if (!c) return;
    drain(*c);
    if (c->len) emit(*c);
    xen::EvtchnPort op{c->port};
    (void)event_channel_op(xen::EVTCHNOP_close, &op);
    // Our mapping of its frame would keep the frame alive past destruction.
    (void)update_va_mapping(reinterpret_cast<u64>(g_windows[c - g_cons]), 0, xen::UVMF_INVLPG);
    c->used = false;
}

u32 console_relay_ports(u32* out, u32 max) {
    u32 n = 0;
    for (const Console& c : g_cons)
        if (c.used && n < max) out[n++] = c.port;
    return n;
}

} // namespace guest
