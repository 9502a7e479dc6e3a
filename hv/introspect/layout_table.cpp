#include "hv/introspect/layout_table.hpp"

#include "hv/arch/x86_64/paging.hpp"
#include "hv/core/evtchn/port_table.hpp"
#include "hv/core/grant/grant_table.hpp"
#include "hv/core/grant/maptrack.hpp"
#include "hv/core/mm/frame_table.hpp"
#include "hv/domain/domain.hpp"
#include "hv/introspect/publish.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/grant_map.hpp"
#include "hv/trace/control.hpp"

#include <cstddef>

// Domain and Vcpu are not standard-layout (their timer members have
// private data), so offsetof on them is "conditionally supported"; GCC and
// Clang support it for classes without virtual bases, which is all we
// need: the offsets published are exactly the compiled ones.
#pragma GCC diagnostic ignored "-Winvalid-offsetof"

// EvtchnTable's records are private; it names this struct a friend so the
// offsets can be published without widening its interface.
struct IntrospectLayout {
    static constexpr u32 evtchn_ports = offsetof(EvtchnTable, ports_);
    static constexpr u32 evtchn_nr_vcpus = offsetof(EvtchnTable, nr_vcpus_);
    static constexpr u32 evtchn_domid = offsetof(EvtchnTable, domid_);
    using GT = grant::GrantTable;
    static constexpr u32 grant_owner = offsetof(GT, owner_);
    static constexpr u32 grant_version = offsetof(GT, version_);
    static constexpr u32 grant_nr_frames = offsetof(GT, nr_frames_);
    static constexpr u32 grant_shared = offsetof(GT, shared_);
    static constexpr u32 grant_active = offsetof(GT, active_);
    static constexpr u32 maptrack_entries = offsetof(grant::Maptrack, entries_);
    static constexpr u32 maptrack_in_use = offsetof(grant::Maptrack, in_use_);
};

namespace {

class Writer {
  public:
    Writer(introspect_abi::FieldDesc* out, unsigned max) : out_(out), max_(max) {}
    void add(const char* name, u64 offset, u64 size) {
        if (n_ == max_) panic("introspection field table full at '%s'", name);
        introspect_abi::FieldDesc& d = out_[n_++];
        usize len = strlen(name);
        if (len >= sizeof d.name) panic("introspection field name too long: '%s'", name);
        memcpy(d.name, name, len + 1);
        d.offset = static_cast<u32>(offset);
        d.size = static_cast<u32>(size);
    }
    unsigned count() const { return n_; }

  private:
    introspect_abi::FieldDesc* out_;
    unsigned max_;
    unsigned n_ = 0;
};

#define FIELD(S, f) w.add(#S "." #f, offsetof(S, f), sizeof(S::f))
#define SIZEOF(S) w.add("sizeof." #S, 0, sizeof(S))
#define ENUM(E, v) w.add("enum." #E "." #v, static_cast<u64>(E::v), 0)
#define CONST(name, v) w.add("const." name, (v), 0)

void domain_fields(Writer& w) {
    SIZEOF(Domain);
    FIELD(Domain, id);
    FIELD(Domain, privileged);
    FIELD(Domain, state);
    FIELD(Domain, shutdown_reason);
    FIELD(Domain, vcpus);
    FIELD(Domain, nr_vcpus);
    FIELD(Domain, nr_pages);
    FIELD(Domain, max_pages);
    FIELD(Domain, shared_info_mfn);
    FIELD(Domain, evtchn);
    FIELD(Domain, pause_count);
    w.add("Domain.weight", offsetof(Domain, share) + offsetof(sched::ShareGroup, weight),
          sizeof(u32));
    w.add("Domain.cap", offsetof(Domain, share) + offsetof(sched::ShareGroup, cap), sizeof(u32));
    FIELD(Domain, console_mfn);
    FIELD(Domain, store_mfn);
    FIELD(Domain, console_port);
    FIELD(Domain, store_port);
    FIELD(Domain, cmdline);
    CONST("kMaxVcpus", kMaxVcpus);
    ENUM(DomainState, building);
    ENUM(DomainState, running);
    ENUM(DomainState, paused);
    ENUM(DomainState, shutdown);
    ENUM(DomainState, crashed);
    ENUM(DomainState, dying);
}

void vcpu_fields(Writer& w) {
    SIZEOF(Vcpu);
    FIELD(Vcpu, id);
    FIELD(Vcpu, state);
    FIELD(Vcpu, initialised);
    FIELD(Vcpu, regs);
    FIELD(Vcpu, kernel_mode);
    FIELD(Vcpu, kernel_l4_mfn);
    FIELD(Vcpu, user_l4_mfn);
    FIELD(Vcpu, cr2);
    FIELD(Vcpu, fs_base);
    FIELD(Vcpu, gs_base_kernel);
    FIELD(Vcpu, gs_base_user);
    FIELD(Vcpu, runstate);
    FIELD(Vcpu, vcpu_info_mfn);
    ENUM(VcpuState, offline);
    ENUM(VcpuState, runnable);
    ENUM(VcpuState, running);
    ENUM(VcpuState, blocked);
    SIZEOF(Regs);
    FIELD(Regs, rax);
    FIELD(Regs, rbx);
    FIELD(Regs, rcx);
    FIELD(Regs, rdx);
    FIELD(Regs, rsi);
    FIELD(Regs, rdi);
    FIELD(Regs, rbp);
    FIELD(Regs, rsp);
    FIELD(Regs, r8);
    FIELD(Regs, r9);
    FIELD(Regs, r10);
    FIELD(Regs, r11);
    FIELD(Regs, r12);
    FIELD(Regs, r13);
    FIELD(Regs, r14);
    FIELD(Regs, r15);
    FIELD(Regs, rip);
    FIELD(Regs, cs);
    FIELD(Regs, rflags);
    FIELD(Regs, ss);
    using xen::RunstateInfo;
    FIELD(RunstateInfo, state);
    FIELD(RunstateInfo, state_entry_time);
    FIELD(RunstateInfo, time);
}

void evtchn_fields(Writer& w) {
    SIZEOF(EvtchnTable);
    w.add("EvtchnTable.domid", IntrospectLayout::evtchn_domid, sizeof(u16));
    w.add("EvtchnTable.nr_vcpus", IntrospectLayout::evtchn_nr_vcpus, sizeof(u32));
    w.add("EvtchnTable.ports", IntrospectLayout::evtchn_ports,
          sizeof(PortRecord) * kEvtchnMaxPorts);
    SIZEOF(PortRecord);
    FIELD(PortRecord, state);
    FIELD(PortRecord, virq);
    FIELD(PortRecord, notify_vcpu);
    FIELD(PortRecord, remote_dom);
    FIELD(PortRecord, remote_port);
    ENUM(PortState, Free);
    ENUM(PortState, Reserved);
    ENUM(PortState, Unbound);
    ENUM(PortState, Interdomain);
    ENUM(PortState, Virq);
    ENUM(PortState, Ipi);
    ENUM(PortState, Pirq);
    using xen::SharedInfo;
    using xen::VcpuInfo;
    FIELD(SharedInfo, vcpu_info);
    FIELD(SharedInfo, evtchn_pending);
    FIELD(SharedInfo, evtchn_mask);
    SIZEOF(VcpuInfo);
    FIELD(VcpuInfo, evtchn_upcall_pending);
    FIELD(VcpuInfo, evtchn_upcall_mask);
    FIELD(VcpuInfo, evtchn_pending_sel);
    FIELD(VcpuInfo, time);
    using xen::VcpuTimeInfo;
    FIELD(VcpuTimeInfo, system_time);
}

// Grant state lives outside Domain (hv/mm/grant_map): a registry of slots by
// domain id. "phys.Name" entries give a machine address in `offset` (the
// image is below 4 GiB) and the bytes there in `size`.
void grant_fields(Writer& w) {
    unsigned count = 0;
    const GrantSlot* slots = grant_registry(count);
    u64 phys = arch::virt_to_phys(slots);
    if (phys >> 32) panic("grant registry above 4 GiB (%lx)", phys);
    w.add("phys.GrantSlots", phys, u64(count) * sizeof(GrantSlot));
    SIZEOF(GrantSlot);
    FIELD(GrantSlot, grants);
    FIELD(GrantSlot, dying);
    FIELD(DomainGrants, table);
    FIELD(DomainGrants, maptrack);
    using IL = IntrospectLayout;
    w.add("GrantTable.owner", IL::grant_owner, sizeof(u16));
    w.add("GrantTable.version", IL::grant_version, sizeof(unsigned));
    w.add("GrantTable.nr_frames", IL::grant_nr_frames, sizeof(unsigned));
    w.add("GrantTable.shared", IL::grant_shared, sizeof(u64) * grant::kMaxFrames);
    w.add("GrantTable.active", IL::grant_active, sizeof(u64) * grant::kMaxFrames);
    using grant::ActiveEntry;
    SIZEOF(ActiveEntry);
    FIELD(ActiveEntry, host_ro);
    FIELD(ActiveEntry, host_rw);
    FIELD(ActiveEntry, dev_ro);
    FIELD(ActiveEntry, dev_rw);
    FIELD(ActiveEntry, domid);
    FIELD(ActiveEntry, mfn);
    w.add("Maptrack.entries", IL::maptrack_entries,
          sizeof(grant::MaptrackEntry) * grant::Maptrack::kEntries);
    w.add("Maptrack.in_use", IL::maptrack_in_use, sizeof(u32));
    using grant::MaptrackEntry;
    SIZEOF(MaptrackEntry);
    FIELD(MaptrackEntry, flags);
    FIELD(MaptrackEntry, ref);
    FIELD(MaptrackEntry, mfn);
    FIELD(MaptrackEntry, domid);
    CONST("kGrantEntriesPerFrameV1", grant::kEntriesPerFrameV1);
    CONST("kGrantEntriesPerFrameV2", grant::kEntriesPerFrameV2);
}

// Scheduler state the host shows: each vCPU's weighted virtual time and
// when it last started running, each domain's use of its cap period, and
// the clock a reader counts the current runstate up to.
void sched_fields(Writer& w) {
    u64 clock = arch::virt_to_phys(&g_introspect_clock);
    if (clock >> 32) panic("introspection clock above 4 GiB (%lx)", clock);
    w.add("phys.IntrospectClock", clock, sizeof(IntrospectClock));
    w.add("Vcpu.vtime", offsetof(Vcpu, share) + offsetof(sched::ShareEntity, vtime), sizeof(u64));
    FIELD(Vcpu, run_start_ns);
    w.add("Domain.used_in_period",
          offsetof(Domain, share) + offsetof(sched::ShareGroup, used_in_period), sizeof(u64));
}

void frame_fields(Writer& w) {
    using mm::FrameInfo;
    SIZEOF(FrameInfo);
    FIELD(FrameInfo, ref_count);
    FIELD(FrameInfo, type_count);
    FIELD(FrameInfo, owner);
    FIELD(FrameInfo, shared_with);
    FIELD(FrameInfo, type);
    FIELD(FrameInfo, flags);
    FIELD(FrameInfo, linear_count);
    CONST("kFramePinned", mm::kFramePinned);
    CONST("kFrameValidated", mm::kFrameValidated);
    CONST("kFrameSharedWithDomain", mm::kFrameSharedWithDomain);
    CONST("kOwnerFree", mm::kOwnerFree);
    CONST("kOwnerHypervisor", mm::kOwnerHypervisor);
    CONST("kOwnerIo", mm::kOwnerIo);
}

// The trace rings' control page (hv/core/trace/control_layout.hpp): a
// "phys." name carries a machine address in `offset` (the hypervisor image
// is loaded below 4 GiB) and the structure's size in `size`.
void trace_fields(Writer& w) {
    u64 phys = arch::virt_to_phys(&trace::trace_control());
    if (phys >> 32) panic("trace control above 4 GiB (%lx)", phys);
    w.add("phys.TraceControl", phys, sizeof(trace::TraceControl));
}

} // namespace

unsigned introspect_fill_layout(introspect_abi::FieldDesc* out, unsigned max) {
    Writer w(out, max);
    domain_fields(w);
    vcpu_fields(w);
    evtchn_fields(w);
    frame_fields(w);
    trace_fields(w);
    grant_fields(w);
    sched_fields(w);
    return w.count();
}
