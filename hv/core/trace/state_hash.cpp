#include "hv/core/trace/state_hash.hpp"

#include "hv/abi/layout.hpp"
#include "hv/core/mm/page_types.hpp"

namespace trace {

namespace {

// Set by the MMU as the guest runs: never part of the recorded state.
constexpr u64 kHardwareBits = mm::PTE_A | mm::PTE_D;

bool active_table(const mm::FrameInfo& f) {
    return f.type_count != 0 && mm::is_page_table_type(f.type) && (f.flags & mm::kFrameValidated);
}

} // namespace

bool frame_hashed(const mm::FrameInfo& f) {
    return f.owner < xen::DOMID_FIRST_RESERVED || f.ref_count != 0 || f.type_count != 0 ||
           (f.flags & mm::kFrameSharedWithDomain);
}

void hash_frame(StateHash& h, u64 mfn, const mm::FrameInfo& f, const mm::PhysMem& mem) {
    h.add(mfn);
    h.add(u64{f.owner} | u64{f.shared_with} << 16 | u64{static_cast<u8>(f.type)} << 32 |
          u64{f.flags} << 40 | u64{static_cast<u16>(f.linear_count)} << 48);
    h.add(u64{f.ref_count} | u64{f.type_count} << 32);
    if (!active_table(f) || !mem.contains(mfn)) return;
    const u64* t = mem.frame(mfn);
    bool l4 = f.type == mm::FrameType::L4;
    for (unsigned i = 0; i < mm::kEntriesPerTable; i++) {
        if (l4 && !xen::is_guest_l4_slot(i)) continue;
        h.add(mm::pte_read(&t[i]) & ~kHardwareBits);
    }
}

u64 frame_table_hash(const mm::FrameTable& frames, const mm::PhysMem& mem) {
    StateHash h;
    u64 hashed = 0;
    for (u64 mfn = 0; mfn < frames.size(); mfn++) {
        const mm::FrameInfo& f = frames[mfn];
        if (!frame_hashed(f)) continue;
        hash_frame(h, mfn, f, mem);
        hashed++;
    }
    h.add(hashed);
    return h.value();
}

u64 port_word0(u16 domid, u32 port, const PortRecord& r) {
    return u64{domid} | u64{port} << 16 | u64{static_cast<u8>(r.state)} << 48 | u64{r.virq} << 56;
}

u64 port_word1(const PortRecord& r) {
    return u64{r.notify_vcpu} | u64{r.remote_dom} << 16 | u64{r.remote_port} << 32;
}

u64 evtchn_hash(const EvtchnTable* const* tables, usize count) {
    StateHash h;
    u64 domains = 0;
    for (usize i = 0; i < count; i++) {
        const EvtchnTable* t = tables[i];
        if (!t) continue;
        h.add(u64{t->domid()} | u64{t->nr_vcpus()} << 16);
        for (u32 port = 0; port < kEvtchnMaxPorts; port++) {
            const PortRecord& r = t->record(port);
            if (r.state == PortState::Free) continue;
            h.add(port_word0(t->domid(), port, r));
            h.add(port_word1(r));
        }
        domains++;
    }
    h.add(domains);
    return h.value();
}

} // namespace trace
