#include "traces/names.hpp"

#include "hv/core/inject/kinds.hpp"

#include <charconv>
#include <cinttypes>
#include <cstdio>

namespace glass::trace {

namespace {

struct TypeName {
    RecordType type;
    const char* name;
};

constexpr TypeName kTypes[] = {
    {RecordType::HypercallEntry, "hypercall-entry"},
    {RecordType::HypercallRead, "hypercall-read"},
    {RecordType::HypercallExit, "hypercall-exit"},
    {RecordType::ExceptionBounce, "exception-bounce"},
    {RecordType::EventSend, "event-send"},
    {RecordType::EventUpcall, "event-upcall"},
    {RecordType::PageTypeChange, "page-type"},
    {RecordType::DomainEvent, "domain"},
    {RecordType::Schedule, "schedule"},
    {RecordType::FaultInjected, "fault-injected"},
    {RecordType::LostRecords, "lost-records"},
    {RecordType::Checkpoint, "checkpoint"},
    {RecordType::SnapDomain, "snap-domain"},
    {RecordType::SnapFrame, "snap-frame"},
    {RecordType::SnapPageTable, "snap-page-table"},
    {RecordType::SnapEventChannel, "snap-event-channel"},
    {RecordType::SnapVcpu, "snap-vcpu"},
    {RecordType::SnapMachine, "snap-machine"},
};

// Xen's numbering (hv/abi/hypercalls.hpp); the table is indexed by number.
constexpr const char* kHypercalls[] = {
    "set_trap_table",
    "mmu_update",
    "set_gdt",
    "stack_switch",
    "set_callbacks",
    "fpu_taskswitch",
    "sched_op_compat",
    "platform_op",
    "set_debugreg",
    "get_debugreg",
    "update_descriptor",
    nullptr,
    "memory_op",
    "multicall",
    "update_va_mapping",
    "set_timer_op",
    "event_channel_op_compat",
    "xen_version",
    "console_io",
    "physdev_op_compat",
    "grant_table_op",
    "vm_assist",
    "update_va_mapping_otherdomain",
    "iret",
    "vcpu_op",
    "set_segment_base",
    "mmuext_op",
    "xsm_op",
    "nmi_op",
    "sched_op",
    "callback_op",
    "xenoprof_op",
    "event_channel_op",
    "physdev_op",
    "hvm_op",
    "sysctl",
    "domctl",
    "kexec_op",
    "tmem_op",
    "argo_op",
    "xenpmu_op",
    "dm_op",
    "hypfs_op",
};

constexpr const char* kPageTypes[] = {"none", "L1",      "L2",     "L3",
                                      "L4",   "segdesc", "shared", "writable"};
constexpr const char* kDomainEvents[] = {"?",       "create",   "build", "pause",
                                         "unpause", "shutdown", "crash", "destroy"};
constexpr const char* kScheduleReasons[] = {"preempt", "yield", "block", "wake", "idle"};

template <std::size_t N>
const char* pick(const char* const (&table)[N], std::uint64_t i) {
    return i < N && table[i] ? table[i] : "?";
}

std::string format(const char* fmt, auto... args) {
    char buf[256];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

} // namespace

std::string record_type_name(std::uint16_t type) {
    for (const auto& t : kTypes)
        if (static_cast<std::uint16_t>(t.type) == type) return t.name;
    return "type-" + std::to_string(type);
}

std::optional<std::uint16_t> parse_record_type(std::string_view s) {
    for (const auto& t : kTypes)
        if (s == t.name) return static_cast<std::uint16_t>(t.type);
    std::uint16_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
    return std::nullopt;
}

std::string record_type_names() {
    std::string out;
    for (const auto& t : kTypes)
        out += (out.empty() ? "" : ", ") + std::string(t.name);
    return out;
}

std::string hypercall_name(std::uint32_t nr) {
    if (nr < std::size(kHypercalls) && kHypercalls[nr]) return kHypercalls[nr];
    if (nr >= 48 && nr <= 55) return "arch_" + std::to_string(nr - 48);
    return "hypercall-" + std::to_string(nr);
}

std::string describe_payload(const RecordHeader& r) {
    switch (static_cast<RecordType>(r.type)) {
    case RecordType::HypercallEntry: {
        auto e = reinterpret_cast<const HypercallEntry*>(&r);
        return hypercall_name(e->nr) +
               format("(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
                      ", %#" PRIx64 ")",
                      e->args[0], e->args[1], e->args[2], e->args[3], e->args[4], e->args[5]) +
               (r.flags & kHypercallInMulticall ? " in multicall" : "");
    }
    case RecordType::HypercallRead: {
        auto e = reinterpret_cast<const HypercallRead*>(&r);
        std::string s =
            r.flags & kReadMachineFrame
                ? format("frame %#" PRIx64 " validated, %u bytes:", e->guest_va >> 12, e->bytes)
                : format("read %u bytes at %#" PRIx64 ":", e->bytes, e->guest_va);
        auto data = reinterpret_cast<const std::uint8_t*>(e + 1);
        for (std::uint32_t i = 0; i < e->bytes && i < 32; i++)
            s += format(" %02x", data[i]);
        return s + (e->bytes > 32 ? " ..." : "");
    }
    case RecordType::HypercallExit: {
        auto e = reinterpret_cast<const HypercallExit*>(&r);
        return hypercall_name(e->nr) + format(" -> %" PRId64, e->result);
    }
    case RecordType::ExceptionBounce: {
        auto e = reinterpret_cast<const ExceptionBounce*>(&r);
        return format("vector %u error %#x rip %#" PRIx64 " cr2 %#" PRIx64, e->vector,
                      e->error_code, e->rip, e->cr2);
    }
    case RecordType::EventSend: {
        auto e = reinterpret_cast<const EventSend*>(&r);
        return format("port %u -> d%u port %u", e->port, e->remote_domain, e->remote_port);
    }
    case RecordType::EventUpcall: {
        auto e = reinterpret_cast<const EventUpcall*>(&r);
        return format("pending_sel %#" PRIx64, e->pending_sel);
    }
    case RecordType::PageTypeChange: {
        auto e = reinterpret_cast<const PageTypeChange*>(&r);
        return format("mfn %#" PRIx64 " %s -> %s count %u", e->mfn, pick(kPageTypes, e->old_type),
                      pick(kPageTypes, e->new_type), e->type_count);
    }
    case RecordType::DomainEvent: {
        auto e = reinterpret_cast<const DomainEvent*>(&r);
        return format("%s reason %u arg %#" PRIx64, pick(kDomainEvents, e->kind), e->reason,
                      e->arg);
    }
    case RecordType::Schedule: {
        auto e = reinterpret_cast<const Schedule*>(&r);
        return format("from d%uv%u (%s, ran %" PRIu64 " ns)", e->prev_domain, e->prev_vcpu,
                      pick(kScheduleReasons, e->reason), e->prev_ran_ns);
    }
    case RecordType::FaultInjected: {
        auto e = reinterpret_cast<const FaultInjected*>(&r);
        if (e->kind)
            return format("%s: %s, vector %u error %#x detail %#" PRIx64,
                          ::inject::kind_name(static_cast<::inject::Kind>(e->kind - 1)),
                          ::inject::effect_name(static_cast<::inject::Effect>(e->effect)),
                          e->vector, e->error_code, e->address);
        return format("vector %u error %#x address %#" PRIx64, e->vector, e->error_code,
                      e->address);
    }
    case RecordType::LostRecords: {
        auto e = reinterpret_cast<const LostRecords*>(&r);
        return format("%" PRIu64 " records lost since %" PRIu64 " ns", e->count, e->first_lost_ns);
    }
    case RecordType::Checkpoint: {
        auto e = reinterpret_cast<const Checkpoint*>(&r);
        return format("#%" PRIu64 " frames %016" PRIx64 " evtchn %016" PRIx64, e->sequence,
                      e->frame_table_hash, e->evtchn_hash);
    }
    case RecordType::SnapDomain: {
        auto e = reinterpret_cast<const SnapDomain*>(&r);
        return format("%u vCPUs, state %u, %" PRIu64 " pages", e->max_vcpus, e->state, e->pages);
    }
    case RecordType::SnapFrame: {
        auto e = reinterpret_cast<const SnapFrame*>(&r);
        return format("mfn %#" PRIx64 " %s count %u refs %u", e->mfn, pick(kPageTypes, e->type),
                      e->type_count, e->ref_count);
    }
    case RecordType::SnapPageTable: {
        auto e = reinterpret_cast<const SnapPageTable*>(&r);
        return format("mfn %#" PRIx64 " level %u", e->mfn, e->level);
    }
    case RecordType::SnapEventChannel: {
        auto e = reinterpret_cast<const SnapEventChannel*>(&r);
        return format("port %u state %u -> d%u/%u pending %u masked %u", e->port, e->state,
                      e->remote_domain, e->remote_port, e->pending, e->masked);
    }
    case RecordType::SnapVcpu: {
        auto e = reinterpret_cast<const SnapVcpu*>(&r);
        return format("kernel L4 %#" PRIx64 " user L4 %#" PRIx64 "%s", e->kernel_l4_mfn,
                      e->user_l4_mfn, e->kernel_mode ? " (kernel mode)" : "");
    }
    case RecordType::SnapMachine: {
        auto e = reinterpret_cast<const SnapMachine*>(&r);
        return format("%" PRIu64 " frames", e->nr_frames);
    }
    }
    return format("%u bytes", r.size);
}

} // namespace glass::trace
