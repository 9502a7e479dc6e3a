#include "introspect/lib/layout.hpp"

#include <cstring>

namespace glass {
namespace {

// Names the snapshot code reads; attaching fails early and clearly when a
// hypervisor does not publish one.
const char* const kRequired[] = {
    "sizeof.Domain",
    "Domain.id",
    "Domain.state",
    "Domain.vcpus",
    "Domain.nr_vcpus",
    "Domain.nr_pages",
    "Domain.max_pages",
    "Domain.evtchn",
    "Domain.shared_info_mfn",
    "Domain.privileged",
    "Domain.pause_count",
    "Domain.shutdown_reason",
    "Domain.weight",
    "Domain.cap",
    "Domain.cmdline",
    "Domain.console_mfn",
    "Domain.store_mfn",
    "Domain.console_port",
    "Domain.store_port",
    "Domain.used_in_period",
    "Vcpu.vtime",
    "RunstateInfo.state_entry_time",
    "VcpuInfo.time",
    "VcpuTimeInfo.system_time",
    "Vcpu.run_start_ns",
    "phys.GrantSlots",
    "sizeof.GrantSlot",
    "GrantSlot.grants",
    "GrantSlot.dying",
    "DomainGrants.table",
    "DomainGrants.maptrack",
    "GrantTable.version",
    "GrantTable.nr_frames",
    "GrantTable.shared",
    "GrantTable.active",
    "sizeof.ActiveEntry",
    "ActiveEntry.host_ro",
    "ActiveEntry.domid",
    "ActiveEntry.mfn",
    "Maptrack.entries",
    "Maptrack.in_use",
    "sizeof.MaptrackEntry",
    "MaptrackEntry.flags",
    "MaptrackEntry.ref",
    "MaptrackEntry.mfn",
    "MaptrackEntry.domid",
    "const.kMaxVcpus",
    "sizeof.Vcpu",
    "Vcpu.state",
    "Vcpu.initialised",
    "Vcpu.regs",
    "Vcpu.kernel_mode",
    "Vcpu.kernel_l4_mfn",
    "Vcpu.user_l4_mfn",
    "Vcpu.runstate",
    "Vcpu.cr2",
    "RunstateInfo.state",
    "RunstateInfo.time",
    "Regs.rip",
    "Regs.rsp",
    "Regs.rflags",
    "Regs.rax",
    "EvtchnTable.ports",
    "EvtchnTable.nr_vcpus",
    "sizeof.PortRecord",
    "PortRecord.state",
    "PortRecord.virq",
    "PortRecord.notify_vcpu",
    "PortRecord.remote_dom",
    "PortRecord.remote_port",
    "SharedInfo.vcpu_info",
    "SharedInfo.evtchn_pending",
    "SharedInfo.evtchn_mask",
    "sizeof.VcpuInfo",
    "VcpuInfo.evtchn_upcall_pending",
    "VcpuInfo.evtchn_upcall_mask",
    "VcpuInfo.evtchn_pending_sel",
};

} // namespace

Outcome<Layout> Layout::from(const introspect_abi::FieldDesc* fields, unsigned count) {
    Layout l;
    for (unsigned i = 0; i < count; i++) {
        const auto& d = fields[i];
        std::string name(d.name, strnlen(d.name, sizeof d.name));
        l.fields_[name] = {d.offset, d.size};
    }
    for (const char* name : kRequired)
        if (!l.fields_.count(name))
            return Outcome<Layout>::failure(std::string("the hypervisor does not publish '") +
                                            name + "' (incompatible introspection layout)");
    return l;
}

Field Layout::operator[](const std::string& name) const {
    auto it = fields_.find(name);
    return it == fields_.end() ? Field{} : it->second;
}

std::string Layout::enum_name(const std::string& type, u64 value) const {
    std::string prefix = "enum." + type + ".";
    for (auto it = fields_.lower_bound(prefix); it != fields_.end(); ++it) {
        if (it->first.compare(0, prefix.size(), prefix) != 0) break;
        if (it->second.offset == value) return it->first.substr(prefix.size());
    }
    return std::to_string(value);
}

u64 Layout::enum_value(const std::string& type, const std::string& name) const {
    auto it = fields_.find("enum." + type + "." + name);
    return it == fields_.end() ? ~0ull : it->second.offset;
}

} // namespace glass
