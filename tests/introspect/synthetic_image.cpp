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

void SyntheticImage::set_port(u64 evtchn_pa, u32 port, u8 state, u8 virq, u16 remote_dom) {
    u64 rec = evtchn_pa + kPortsAt + port * 8;
    put<u8>(rec, state);
    put<u8>(rec + 1, virq);
    put<u16>(rec + 4, remote_dom);
}

} // namespace glass::test
