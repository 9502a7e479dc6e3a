#include "synthetic_image.hpp"

#include <stdexcept>

namespace glass::test {

SyntheticImage::SyntheticImage(u64 bytes) : bytes_(bytes, 0) {
    auto& r = root();
    r.version = introspect_abi::kVersion;
    r.root_size = sizeof r;
    r.self_phys = kRootPhys;
    r.direct_map_virt = kDirectMap;
    r.image_virt_offset = kImageOffset;
    r.nr_ram_ranges = 1;
    r.ram[0] = {0, bytes};
    r.frame_table_phys = kFrameTablePhys;
    r.nr_frames = nr_frames();
    r.frame_info_size = 16;
    r.m2p_phys = 0;
    r.domain_registry_phys = kRegistryPhys;
    r.max_domains = kMaxDomains;
    r.hv_lock_phys = kLockPhys;
    for (u64 m = 0; m < nr_frames(); m++)
        frame(m).owner = mm::kOwnerFree;
    for (u64 m = 0; m < (kFrameTablePhys + nr_frames() * 16) / kPageSize + 1; m++)
        frame(m).owner = mm::kOwnerHypervisor;

    field("sizeof.Domain", 0, kDomainSize);
    field("Domain.id", 0x10, 2);
    field("Domain.state", 0x12, 1);
    field("Domain.privileged", 0x13, 1);
    field("Domain.shutdown_reason", 0x14, 4);
    field("Domain.nr_pages", 0x18, 8);
    field("Domain.max_pages", 0x20, 8);
    field("Domain.shared_info_mfn", 0x28, 8);
    field("Domain.evtchn", 0x30, 8);
    field("Domain.pause_count", 0x38, 4);
    field("Domain.weight", 0x3c, 4);
    field("Domain.cap", 0x40, 4);
    field("Domain.nr_vcpus", 0x44, 4);
    field("Domain.cmdline", 0x100, 64);
    field("Domain.vcpus", kVcpusAt, kVcpuSize * 4);
    field("const.kMaxVcpus", 4, 0);
    field("enum.DomainState.building", 0, 0);
    field("enum.DomainState.running", 1, 0);
    field("enum.DomainState.paused", 2, 0);
    field("sizeof.Vcpu", 0, kVcpuSize);
    field("Vcpu.state", 0x8, 1);
    field("Vcpu.initialised", 0x9, 1);
    field("Vcpu.kernel_mode", 0xa, 1);
    field("Vcpu.kernel_l4_mfn", 0x10, 8);
    field("Vcpu.user_l4_mfn", 0x18, 8);
    field("Vcpu.cr2", 0x20, 8);
    field("Vcpu.regs", 0x40, 168);
    field("Vcpu.runstate", 0x100, 48);
    field("enum.VcpuState.offline", 0, 0);
    field("enum.VcpuState.running", 2, 0);
    field("Regs.rax", 0, 8);
    field("Regs.rsp", 8, 8);
    field("Regs.rip", 16, 8);
    field("Regs.rflags", 24, 8);
    field("RunstateInfo.state", 0, 4);
    field("RunstateInfo.time", 16, 32);
    field("sizeof.EvtchnTable", 0, kEvtchnSize);
    field("EvtchnTable.nr_vcpus", 4, 4);
    field("EvtchnTable.ports", kPortsAt, 4096 * 8);
    field("sizeof.PortRecord", 0, 8);
    field("PortRecord.state", 0, 1);
    field("PortRecord.virq", 1, 1);
    field("PortRecord.notify_vcpu", 2, 2);
    field("PortRecord.remote_dom", 4, 2);
    field("PortRecord.remote_port", 6, 2);
    field("enum.PortState.Free", 0, 0);
    field("enum.PortState.Reserved", 1, 0);
    field("enum.PortState.Unbound", 2, 0);
    field("enum.PortState.Virq", 4, 0);
    field("SharedInfo.vcpu_info", 0, 64 * 32);
    field("SharedInfo.evtchn_pending", 2048, 512);
    field("SharedInfo.evtchn_mask", 2560, 512);
    field("sizeof.VcpuInfo", 0, 64);
    field("VcpuInfo.evtchn_upcall_pending", 0, 1);
    field("VcpuInfo.evtchn_upcall_mask", 1, 1);
    field("VcpuInfo.evtchn_pending_sel", 8, 8);
    field("Domain.console_mfn", 0x48, 8);
    field("Domain.store_mfn", 0x50, 8);
    field("Domain.console_port", 0x58, 4);
    field("Domain.store_port", 0x5c, 4);
    field("Domain.used_in_period", 0x60, 8);
    field("Vcpu.vtime", 0x30, 8);
    field("RunstateInfo.state_entry_time", 8, 8);
    field("VcpuInfo.time", 32, 24);
    field("VcpuTimeInfo.system_time", 8, 8);
    field("Vcpu.run_start_ns", 0x38, 8);
    field("phys.GrantSlots", kGrantSlotsPhys, kMaxDomains * 32);
    field("sizeof.GrantSlot", 0, 32);
    field("GrantSlot.grants", 0, 8);
    field("GrantSlot.dying", 24, 1);
    field("DomainGrants.table", kGrantTableAt, 0x300);
    field("DomainGrants.maptrack", kMaptrackAt, 16 + 1024 * 24);
    field("GrantTable.version", 0, 4);
    field("GrantTable.nr_frames", 4, 4);
    field("GrantTable.shared", 0x10, 32 * 8);
    field("GrantTable.active", 0x110, 32 * 8);
    field("sizeof.ActiveEntry", 0, 16);
    field("ActiveEntry.host_ro", 0, 1);
    field("ActiveEntry.host_rw", 1, 1);
    field("ActiveEntry.dev_ro", 2, 1);
    field("ActiveEntry.dev_rw", 3, 1);
    field("ActiveEntry.domid", 4, 2);
    field("ActiveEntry.mfn", 8, 8);
    field("Maptrack.entries", 16, 1024 * 24);
    field("Maptrack.in_use", 0, 4);
    field("sizeof.MaptrackEntry", 0, 24);
    field("MaptrackEntry.flags", 0, 4);
    field("MaptrackEntry.ref", 4, 4);
    field("MaptrackEntry.mfn", 8, 8);
    field("MaptrackEntry.domid", 16, 2);
    field("const.kGrantEntriesPerFrameV1", 512, 0);
    field("const.kGrantEntriesPerFrameV2", 256, 0);
    seal();
}

void SyntheticImage::field(const char* name, u32 offset, u32 size) {
    auto& r = root();
    auto& d = r.fields[r.nr_fields++];
    std::strncpy(d.name, name, sizeof d.name - 1);
    d.offset = offset;
    d.size = size;
}

u32 SyntheticImage::offset(const std::string& name) const {
    const auto& r = *reinterpret_cast<const introspect_abi::Root*>(&bytes_[kRootPhys]);
    for (u32 i = 0; i < r.nr_fields; i++)
        if (name == r.fields[i].name) return r.fields[i].offset;
    throw std::logic_error("no field " + name);
}

void SyntheticImage::seal() {
    auto& r = root();
    r.checksum = introspect_abi::root_checksum(r);
    r.magic = introspect_abi::kRootMagic;
}

u64 SyntheticImage::add_domain(u16 id, u64 mfn, u8 state, u64 nr_pages, unsigned nr_vcpus) {
    u64 pa = mfn * kPageSize;
    put<u16>(pa + offset("Domain.id"), id);
    put<u8>(pa + offset("Domain.state"), state);
    put<u64>(pa + offset("Domain.nr_pages"), nr_pages);
    put<u64>(pa + offset("Domain.max_pages"), nr_pages);
    put<u32>(pa + offset("Domain.nr_vcpus"), nr_vcpus);
    put<u32>(pa + offset("Domain.weight"), 256);
    std::strcpy(reinterpret_cast<char*>(&bytes_[pa + offset("Domain.cmdline")]), "spin");
    put<u64>(kRegistryPhys + 8 * id, kDirectMap + pa);
    frame(mfn).owner = frame(mfn + 1).owner = mm::kOwnerHypervisor;
    return pa;
}

void SyntheticImage::set_vcpu(u64 dom_pa, unsigned v, u8 state, u64 l4_mfn, u64 rip) {
    u64 pa = dom_pa + kVcpusAt + v * kVcpuSize;
    put<u8>(pa + offset("Vcpu.state"), state);
    put<u8>(pa + offset("Vcpu.kernel_mode"), 1);
    put<u64>(pa + offset("Vcpu.kernel_l4_mfn"), l4_mfn);
    put<u64>(pa + offset("Vcpu.regs") + offset("Regs.rip"), rip);
}

u64 SyntheticImage::add_evtchn(u64 dom_pa, u64 mfn) {
    u64 pa = mfn * kPageSize;
    put<u64>(dom_pa + offset("Domain.evtchn"), kDirectMap + pa);
    return pa;
}

u64 SyntheticImage::add_grants(u16 domid, u64 mfn, u64 shared_mfn, u64 active_mfn) {
    u64 pa = mfn * kPageSize;
    put<u64>(kGrantSlotsPhys + 32 * domid, kDirectMap + pa);
    u64 table = pa + kGrantTableAt;
    put<u32>(table, 1);
    put<u32>(table + 4, 1);
    put<u64>(table + 0x10, shared_mfn);
    put<u64>(table + 0x110, active_mfn);
    return pa;
}

void SyntheticImage::set_grant(u64 grants_pa, u32 ref, u16 flags, u16 domid, u32 frame) {
    u64 shared = get<u64>(grants_pa + kGrantTableAt + 0x10) * kPageSize;
    put<u16>(shared + 8 * ref, flags);
    put<u16>(shared + 8 * ref + 2, domid);
    put<u32>(shared + 8 * ref + 4, frame);
}

void SyntheticImage::set_active(u64 grants_pa, u32 ref, u8 host_rw, u16 domid, u64 mfn) {
    u64 active = get<u64>(grants_pa + kGrantTableAt + 0x110) * kPageSize;
    put<u8>(active + 16 * ref + 1, host_rw);
    put<u16>(active + 16 * ref + 4, domid);
    put<u64>(active + 16 * ref + 8, mfn);
}

void SyntheticImage::add_mapping(u64 grants_pa, u32 handle, u32 flags, u16 granter, u32 ref,
                                 u64 mfn) {
    u64 mt = grants_pa + kMaptrackAt;
    put<u32>(mt, get<u32>(mt) + 1);
    u64 e = mt + 16 + 24 * handle;
    put<u32>(e, flags);
    put<u32>(e + 4, ref);
    put<u64>(e + 8, mfn);
    put<u16>(e + 16, granter);
}

void SyntheticImage::set_port(u64 evtchn_pa, u32 port, u8 state, u8 virq, u16 remote_dom) {
    u64 rec = evtchn_pa + kPortsAt + port * 8;
    put<u8>(rec, state);
    put<u8>(rec + 1, virq);
    put<u16>(rec + 4, remote_dom);
}

} // namespace glass::test
