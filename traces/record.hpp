// Trace record types: the one definition shared by the hypervisor's recorder
// (freestanding, ring 0) and the host tools in traces/. Every record is a
// fixed 24-byte RecordHeader followed by a fixed payload and, for a few types,
// a variable tail; `size` covers all of it and is a multiple of 8 so records
// packed back to back in a per-CPU buffer stay 8-byte aligned. Layout is
// little-endian x86-64; the static_asserts below pin every size and offset,
// because a trace written by one build must load in the next (FORMAT.md keeps
// the version log). Add fields only at the end of a payload and bump the
// minor version; readers accept payloads longer than they know.
#pragma once

#include <cstddef>
#include <cstdint>

namespace glass::trace {

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "trace records are defined little-endian (x86-64)"
#endif

// Type numbers are part of the file format: never reuse one.
enum class RecordType : std::uint16_t {
    // Event stream.
    HypercallEntry = 1, // number, sub-op, six arguments
    HypercallRead = 2,  // guest memory the hypervisor read for the hypercall in progress
    HypercallExit = 3,  // result
    ExceptionBounce = 4,
    EventSend = 5,
    EventUpcall = 6,
    PageTypeChange = 7,
    DomainEvent = 8,
    Schedule = 9,
    FaultInjected = 10,
    LostRecords = 11,
    Checkpoint = 12,
    // Initial-state snapshot section only.
    SnapDomain = 0x100,
    SnapFrame = 0x101,
    SnapPageTable = 0x102,
    SnapEventChannel = 0x103,
    SnapVcpu = 0x104,    // 1.1: a vCPU's base pointers
    SnapMachine = 0x105, // 1.1: size of the frame table
};

// Domain id used for records about the hypervisor itself (Xen's DOMID_IDLE).
constexpr std::uint16_t kDomainHypervisor = 0x7FFF;
// Largest record, header included: bounds per-CPU buffers and reader memory.
// A HypercallRead larger than this is split into several records.
constexpr std::uint32_t kMaxRecordBytes = 65536;

struct RecordHeader {
    std::uint16_t type;    // RecordType
    std::uint16_t cpu;     // physical CPU that recorded it
    std::uint32_t size;    // bytes, header and tail included, multiple of 8
    std::uint16_t domain;  // domain the record is about, or kDomainHypervisor
    std::uint16_t vcpu;    // vCPU within that domain (0 when not vCPU-specific)
    std::uint32_t flags;   // per type; 0 unless a type says otherwise
    std::uint64_t time_ns; // hypervisor system time (ns since boot)
};
static_assert(sizeof(RecordHeader) == 24);
static_assert(offsetof(RecordHeader, size) == 4);
static_assert(offsetof(RecordHeader, domain) == 8);
static_assert(offsetof(RecordHeader, flags) == 12);
static_assert(offsetof(RecordHeader, time_ns) == 16);

constexpr std::uint32_t record_size_for(std::uint32_t unpadded) {
    return (unpadded + 7u) & ~7u;
}

// --- Event stream -----------------------------------------------------------

// HypercallEntry.flags bit: issued inside a multicall (nested under the
// multicall's own entry/exit on the same vCPU).
constexpr std::uint32_t kHypercallInMulticall = 1u << 0;

struct HypercallEntry {
    RecordHeader h;
    std::uint32_t nr;    // xen::Hypercall
    std::uint32_t subop; // first argument when it selects an operation, else 0
    std::uint64_t args[6];
};
static_assert(sizeof(HypercallEntry) == 80);
static_assert(offsetof(HypercallEntry, args) == 32);

// Guest memory read while handling the hypercall in progress on this vCPU
// (e.g. mmu_update's request array). A separate record because the reads
// happen after entry, as the handler goes; one per read, in order.
struct HypercallRead {
    RecordHeader h;
    std::uint64_t guest_va;
    std::uint32_t bytes; // length of the tail that follows; size pads it to 8
    std::uint32_t reserved;
    // std::uint8_t data[bytes];
};
static_assert(sizeof(HypercallRead) == 40);
constexpr std::uint32_t kMaxReadBytes = kMaxRecordBytes - sizeof(HypercallRead);

// HypercallRead.flags bit (1.1): not a guest-virtual read but the contents of
// machine frame guest_va >> 12 (bytes = 4096), recorded when the typing core
// validated it as a page table or descriptor page (mm::FrameValidateHook).
// That is the one read of memory the guest wrote directly, not through a
// hypercall; replay needs it to validate the same entries.
constexpr std::uint32_t kReadMachineFrame = 1u << 0;

struct HypercallExit {
    RecordHeader h;
    std::uint32_t nr;
    std::uint32_t subop;
    std::int64_t result; // 0 or positive on success, -Xen errno on failure
};
static_assert(sizeof(HypercallExit) == 40);

struct ExceptionBounce {
    RecordHeader h;
    std::uint8_t vector;
    std::uint8_t has_error_code;
    std::uint16_t reserved;
    std::uint32_t error_code;
    std::uint64_t rip;
    std::uint64_t cr2; // page faults only
};
static_assert(sizeof(ExceptionBounce) == 48);

// h.domain/h.vcpu: the sender.
struct EventSend {
    RecordHeader h;
    std::uint32_t port;
    std::uint16_t remote_domain;
    std::uint16_t reserved;
    std::uint32_t remote_port;
    std::uint32_t reserved2;
};
static_assert(sizeof(EventSend) == 40);

// h.domain/h.vcpu: the vCPU the upcall is delivered to.
struct EventUpcall {
    RecordHeader h;
    std::uint64_t pending_sel; // evtchn_pending_sel at delivery
};
static_assert(sizeof(EventUpcall) == 32);

// Values of mm::FrameType (hv/core/mm/frame_table.hpp), which match Xen's.
enum class PageType : std::uint8_t {
    None = 0,
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L4 = 4,
    SegDesc = 5,
    Shared = 6,
    Writable = 7,
};

struct PageTypeChange {
    RecordHeader h;
    std::uint64_t mfn;
    std::uint8_t old_type; // PageType
    std::uint8_t new_type; // PageType
    std::uint16_t reserved;
    std::uint32_t type_count; // after the change
};
static_assert(sizeof(PageTypeChange) == 40);

enum class DomainEventKind : std::uint32_t {
    Create = 1,
    Build = 2,
    Pause = 3,
    Unpause = 4,
    Shutdown = 5, // arg: shutdown reason
    Crash = 6,
    Destroy = 7,
};

struct DomainEvent {
    RecordHeader h;
    std::uint32_t kind; // DomainEventKind
    std::uint32_t reason;
    std::uint64_t arg;
};
static_assert(sizeof(DomainEvent) == 40);

enum class ScheduleReason : std::uint32_t {
    Preempt = 0,
    Yield = 1,
    Block = 2,
    Wake = 3,
    Idle = 4,
};

// h.cpu switched from prev to h.domain/h.vcpu.
struct Schedule {
    RecordHeader h;
    std::uint16_t prev_domain;
    std::uint16_t prev_vcpu;
    std::uint32_t reason; // ScheduleReason
    std::uint64_t prev_ran_ns;
};
static_assert(sizeof(Schedule) == 40);

// A fault the hypervisor injected on purpose (debug_fault=, the fault
// injector of issue 11). From the injector, kind and effect say what it
// did (hv/core/inject/kinds.hpp: kind is inject::Kind + 1, effect is
// inject::Effect; 0 in records from elsewhere and from older writers),
// vector is the exception's (0xff for the other kinds) and address the
// effect's detail (guest rip, port, sub-op, ring index).
struct FaultInjected {
    RecordHeader h;
    std::uint8_t vector;
    std::uint8_t kind;   // was reserved: 0 in older traces
    std::uint8_t effect; // was reserved: 0 in older traces
    std::uint8_t reserved;
    std::uint32_t error_code;
    std::uint64_t address;
};
static_assert(sizeof(FaultInjected) == 40);

// Written by a CPU once its buffer has room again, as xentrace does: `count`
// records were dropped on h.cpu between first_lost_ns and h.time_ns.
struct LostRecords {
    RecordHeader h;
    std::uint64_t count;
    std::uint64_t first_lost_ns;
};
static_assert(sizeof(LostRecords) == 40);

// Periodic state hash, checked by replay. The writer also lists every
// checkpoint in the file's index so replay can start from the nearest one.
struct Checkpoint {
    RecordHeader h;
    std::uint64_t sequence;
    std::uint64_t frame_table_hash;
    std::uint64_t evtchn_hash;
};
static_assert(sizeof(Checkpoint) == 48);

// --- Initial-state snapshot -------------------------------------------------

// SnapDomain.flags bits (1.1): the domain's privileges and CPU features
// (mm::DomainMm), which decide what its page-table entries may hold.
constexpr std::uint32_t kSnapDomainPrivileged = 1u << 0;
constexpr std::uint32_t kSnapDomainIoMem = 1u << 1;      // may map MMIO
constexpr std::uint32_t kSnapDomainCacheFlush = 1u << 2; // may use PWT/PCD/PAT
constexpr std::uint32_t kSnapDomainNx = 1u << 3;         // NX available

struct SnapDomain {
    RecordHeader h; // h.domain
    std::uint32_t max_vcpus;
    std::uint32_t state; // 0 running, 1 paused, 2 shut down
    std::uint64_t pages;
    // 1.1 (zero in 1.0 files):
    std::uint32_t flags;     // kSnapDomain*
    std::uint8_t paddr_bits; // machine address width the domain may map below
    std::uint8_t reserved[3];
};
static_assert(sizeof(SnapDomain) == 48);
static_assert(offsetof(SnapDomain, flags) == 40);

// One frame-table entry (frames not listed are free and untyped).
struct SnapFrame {
    RecordHeader h; // h.domain: owner
    std::uint64_t mfn;
    std::uint8_t type;         // PageType (mm::FrameInfo::type, also when type_count is 0)
    std::uint8_t flags;        // mm::FrameInfo::flags
    std::int16_t linear_count; // 1.1: mm::FrameInfo::linear_count
    std::uint32_t type_count;
    std::uint32_t ref_count;
    std::uint16_t shared_with; // 1.1: mm::FrameInfo::shared_with
    std::uint16_t reserved2;
};
static_assert(sizeof(SnapFrame) == 48);
static_assert(offsetof(SnapFrame, linear_count) == 34);
static_assert(offsetof(SnapFrame, shared_with) == 44);

// Contents of a page-table frame: 512 entries follow.
struct SnapPageTable {
    RecordHeader h;
    std::uint64_t mfn;
    std::uint32_t level;
    std::uint32_t reserved;
    // std::uint64_t entries[512];
};
static_assert(sizeof(SnapPageTable) == 40);
static_assert(sizeof(SnapPageTable) + 512 * 8 <= kMaxRecordBytes);

struct SnapEventChannel {
    RecordHeader h; // h.domain: owner
    std::uint32_t port;
    std::uint8_t state; // EVTCHNSTAT_*
    std::uint8_t pending;
    std::uint8_t masked;
    std::uint8_t reserved;
    std::uint16_t remote_domain;
    std::uint16_t notify_vcpu;
    std::uint32_t remote_port; // or VIRQ / PIRQ number
};
static_assert(sizeof(SnapEventChannel) == 40);

// 1.1: one vCPU (h.domain, h.vcpu) and the L4s it runs on, which the
// page-table hypercalls it issues use and replace.
struct SnapVcpu {
    RecordHeader h;
    std::uint64_t kernel_l4_mfn; // 0: none
    std::uint64_t user_l4_mfn;   // 0: none
    std::uint8_t kernel_mode;    // 1 while in guest kernel mode
    std::uint8_t reserved[7];
};
static_assert(sizeof(SnapVcpu) == 48);

// 1.1: the machine: frames beyond nr_frames do not exist (not RAM).
struct SnapMachine {
    RecordHeader h;
    std::uint64_t nr_frames;
};
static_assert(sizeof(SnapMachine) == 32);

// Smallest valid size of each type's record; 0 for unknown types (which
// readers skip by `size`, so older tools can read newer minor versions).
constexpr std::uint32_t min_record_size(std::uint16_t type) {
    switch (static_cast<RecordType>(type)) {
    case RecordType::HypercallEntry:
        return sizeof(HypercallEntry);
    case RecordType::HypercallRead:
        return sizeof(HypercallRead);
    case RecordType::HypercallExit:
        return sizeof(HypercallExit);
    case RecordType::ExceptionBounce:
        return sizeof(ExceptionBounce);
    case RecordType::EventSend:
        return sizeof(EventSend);
    case RecordType::EventUpcall:
        return sizeof(EventUpcall);
    case RecordType::PageTypeChange:
        return sizeof(PageTypeChange);
    case RecordType::DomainEvent:
        return sizeof(DomainEvent);
    case RecordType::Schedule:
        return sizeof(Schedule);
    case RecordType::FaultInjected:
        return sizeof(FaultInjected);
    case RecordType::LostRecords:
        return sizeof(LostRecords);
    case RecordType::Checkpoint:
        return sizeof(Checkpoint);
    case RecordType::SnapDomain:
        return offsetof(SnapDomain, flags); // 1.0's size; the 1.1 fields are read when present
    case RecordType::SnapFrame:
        return sizeof(SnapFrame);
    case RecordType::SnapPageTable:
        return sizeof(SnapPageTable) + 512 * 8;
    case RecordType::SnapEventChannel:
        return sizeof(SnapEventChannel);
    case RecordType::SnapVcpu:
        return sizeof(SnapVcpu);
    case RecordType::SnapMachine:
        return sizeof(SnapMachine);
    }
    return 0;
}

constexpr bool is_snapshot_type(std::uint16_t type) {
    return type >= 0x100 && type < 0x200;
}

// The record as T when its type matches and it is big enough, else null.
template <typename T>
const T* record_as(const RecordHeader* h, RecordType type) {
    if (h->type != static_cast<std::uint16_t>(type) || h->size < sizeof(T)) return nullptr;
    return reinterpret_cast<const T*>(h);
}

} // namespace glass::trace
