#include "introspect/lib/domains.hpp"

#include "introspect/lib/record.hpp"

#include <cstring>

namespace glass {
namespace {

const char* const kRegNames[] = {"rax", "rbx", "rcx", "rdx", "rsi",    "rdi", "rbp",
                                 "rsp", "r8",  "r9",  "r10", "r11",    "r12", "r13",
                                 "r14", "r15", "rip", "cs",  "rflags", "ss"};
const char* const kRunstates[] = {"running", "runnable", "blocked", "offline"};

VcpuSnapshot read_vcpu(const Target& t, u64 base, u32 id) {
    const Layout& l = t.layout();
    Record r(t, base);
    VcpuSnapshot v;
    v.id = id;
    v.state = l.enum_name("VcpuState", r.get("Vcpu.state"));
    v.initialised = r.get("Vcpu.initialised") != 0;
    v.kernel_mode = r.get("Vcpu.kernel_mode") != 0;
    v.kernel_l4_mfn = r.get("Vcpu.kernel_l4_mfn");
    v.user_l4_mfn = r.get("Vcpu.user_l4_mfn");
    v.cr2 = r.get("Vcpu.cr2");
    v.vtime = r.get("Vcpu.vtime");
    v.run_start_ns = r.get("Vcpu.run_start_ns");
    u64 regs = l["Vcpu.regs"].offset;
    for (const char* name : kRegNames) {
        Field f = l[std::string("Regs.") + name];
        if (f.size) v.regs.emplace_back(name, r.read_uint(base + regs + f.offset, f.size));
    }
    u64 rs = l["Vcpu.runstate"].offset;
    u64 state = r.read_uint(base + rs + l["RunstateInfo.state"].offset, 4);
    v.runstate = state < 4 ? kRunstates[state] : std::to_string(state);
    for (unsigned i = 0; i < 4; i++)
        v.runstate_ns[i] = r.read_uint(base + rs + l["RunstateInfo.time"].offset + 8 * i, 8);
    v.state_entry_ns = r.read_uint(base + rs + l["RunstateInfo.state_entry_time"].offset, 8);
    return v;
}

Outcome<DomainSnapshot> read_domain(const Target& t, u64 va) {
    const Layout& l = t.layout();
    u64 pa = t.hv_phys(va);
    if (!pa || !t.memory().at(pa, l["sizeof.Domain"].size))
        return Outcome<DomainSnapshot>::failure("domain registry points outside RAM");
    Record r(t, pa);
    DomainSnapshot d;
    d.struct_phys = pa;
    d.id = static_cast<u16>(r.get("Domain.id"));
    d.state = l.enum_name("DomainState", r.get("Domain.state"));
    d.privileged = r.get("Domain.privileged") != 0;
    d.shutdown_reason = static_cast<u32>(r.get("Domain.shutdown_reason"));
    d.nr_pages = r.get("Domain.nr_pages");
    d.max_pages = r.get("Domain.max_pages");
    d.shared_info_mfn = r.get("Domain.shared_info_mfn");
    d.pause_count = static_cast<u32>(r.get("Domain.pause_count"));
    d.weight = static_cast<u32>(r.get("Domain.weight"));
    d.cap = static_cast<u32>(r.get("Domain.cap"));
    d.used_in_period_ns = r.get("Domain.used_in_period");
    d.console_mfn = r.get("Domain.console_mfn");
    d.store_mfn = r.get("Domain.store_mfn");
    d.console_port = static_cast<u32>(r.get("Domain.console_port"));
    d.store_port = static_cast<u32>(r.get("Domain.store_port"));
    d.evtchn_phys = t.hv_phys(r.get("Domain.evtchn"));
    Field cmd = l["Domain.cmdline"];
    if (const u8* p = t.memory().at(pa + cmd.offset, cmd.size))
        d.cmdline.assign(reinterpret_cast<const char*>(p),
                         strnlen(reinterpret_cast<const char*>(p), cmd.size));
    u64 nr = r.get("Domain.nr_vcpus");
    u64 max = l.constant("kMaxVcpus");
    u64 vcpu_size = l["sizeof.Vcpu"].size;
    for (u64 i = 0; i < nr && i < max; i++)
        d.vcpus.push_back(read_vcpu(t, pa + l["Domain.vcpus"].offset + i * vcpu_size, u32(i)));
    // The time each vCPU last saw (vcpu_info in shared_info): the host has
    // no clock of the hypervisor's, this is the latest one it published.
    if (d.shared_info_mfn) {
        u64 vi = (d.shared_info_mfn << kPageShift) + l["SharedInfo.vcpu_info"].offset;
        u64 st = l["VcpuInfo.time"].offset + l["VcpuTimeInfo.system_time"].offset;
        for (auto& v : d.vcpus)
            v.system_time_ns = r.read_uint(vi + v.id * l["sizeof.VcpuInfo"].size + st, 8);
    }
    return d;
}

} // namespace

u64 VcpuSnapshot::reg(const std::string& name) const {
    for (const auto& [n, v] : regs)
        if (n == name) return v;
    return 0;
}

const DomainSnapshot* DomainsSnapshot::find(u16 id) const {
    for (const auto& d : domains)
        if (d.id == id) return &d;
    return nullptr;
}

Outcome<DomainsSnapshot> read_domains(const Target& t) {
    DomainsSnapshot snap;
    std::string error;
    snap.stamp = t.read_consistent([&] {
        snap.domains.clear();
        error.clear();
        const introspect_abi::Root& root = t.root();
        Field clock = t.layout()["phys.IntrospectClock"];
        snap.now_ns = clock.size ? Record::read_uint(t.memory(), clock.offset, 8) : 0;
        for (u32 id = 0; id < root.max_domains; id++) {
            u64 va = 0;
            if (!t.memory().load(root.domain_registry_phys + 8 * id, va) || !va) continue;
            auto d = read_domain(t, va);
            if (d.ok())
                snap.domains.push_back(*d);
            else
                error = d.error();
        }
    });
    // A torn read may have followed a stale pointer; only a consistent one
    // proves the registry itself is broken.
    if (!error.empty() && snap.stamp.consistent) return Outcome<DomainsSnapshot>::failure(error);
    return snap;
}

} // namespace glass
