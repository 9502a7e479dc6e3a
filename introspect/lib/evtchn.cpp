#include "introspect/lib/evtchn.hpp"

namespace glass {
namespace {

bool bit(const MachineMemory& m, u64 words_pa, u32 n) {
    u64 w = 0;
    (void)m.load(words_pa + 8 * (n / 64), w);
    return (w >> (n % 64)) & 1;
}

template <class T>
T load_or_zero(const MachineMemory& m, u64 pa) {
    T v{};
    (void)m.load(pa, v);
    return v;
}

} // namespace

Outcome<EvtchnSnapshot> read_evtchn(const Target& t, u16 domid) {
    using R = Outcome<EvtchnSnapshot>;
    auto doms = read_domains(t);
    if (!doms.ok()) return R::failure(doms.error());
    const DomainSnapshot* d = doms->find(domid);
    if (!d) return R::failure("no such domain " + std::to_string(domid));
    if (!d->evtchn_phys)
        return R::failure("domain " + std::to_string(domid) + " has no event channels yet");
    const Layout& l = t.layout();
    const MachineMemory& m = t.memory();
    u64 ports = d->evtchn_phys + l["EvtchnTable.ports"].offset;
    u32 nr_ports = l["EvtchnTable.ports"].size / l["sizeof.PortRecord"].size;
    u64 rec_size = l["sizeof.PortRecord"].size;
    u64 free_state = l.enum_value("PortState", "Free");
    u64 si = d->shared_info_mfn << kPageShift;
    u64 pending = si + l["SharedInfo.evtchn_pending"].offset;
    u64 mask = si + l["SharedInfo.evtchn_mask"].offset;

    EvtchnSnapshot s;
    s.domid = domid;
    s.stamp = t.read_consistent([&] {
        s.ports.clear();
        s.vcpus.clear();
        for (u32 p = 0; p < nr_ports; p++) {
            u64 rec = ports + p * rec_size;
            u8 state = load_or_zero<u8>(m, rec + l["PortRecord.state"].offset);
            if (state == free_state) continue;
            PortSnapshot ps;
            ps.port = p;
            ps.state = l.enum_name("PortState", state);
            ps.virq = load_or_zero<u8>(m, rec + l["PortRecord.virq"].offset);
            ps.notify_vcpu = load_or_zero<u16>(m, rec + l["PortRecord.notify_vcpu"].offset);
            ps.remote_dom = load_or_zero<u16>(m, rec + l["PortRecord.remote_dom"].offset);
            ps.remote_port = load_or_zero<u16>(m, rec + l["PortRecord.remote_port"].offset);
            if (d->shared_info_mfn) {
                ps.pending = bit(m, pending, p);
                ps.masked = bit(m, mask, p);
            }
            s.ports.push_back(ps);
        }
        if (!d->shared_info_mfn) return;
        for (const auto& v : d->vcpus) {
            u64 vi = si + l["SharedInfo.vcpu_info"].offset + v.id * l["sizeof.VcpuInfo"].size;
            UpcallSnapshot u;
            u.vcpu = v.id;
            u.pending = load_or_zero<u8>(m, vi + l["VcpuInfo.evtchn_upcall_pending"].offset);
            u.masked = load_or_zero<u8>(m, vi + l["VcpuInfo.evtchn_upcall_mask"].offset);
            u.pending_sel = load_or_zero<u64>(m, vi + l["VcpuInfo.evtchn_pending_sel"].offset);
            s.vcpus.push_back(u);
        }
    });
    return s;
}

} // namespace glass
