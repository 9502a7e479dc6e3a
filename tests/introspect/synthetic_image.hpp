// A synthetic machine-memory image for the introspect library's unit
// tests: a root, a field table with layouts deliberately unlike the real
// hypervisor's (the library must only follow the table), a frame table, a
// domain registry and whatever records and page tables a test adds.
#pragma once

#include "introspect/lib/machine_memory.hpp"

#include "hv/core/mm/frame_table.hpp"
#include "hv/introspect/format.hpp"

#include <cstring>
#include <string>
#include <vector>

namespace glass::test {

class SyntheticImage {
  public:
    static constexpr u64 kRootPhys = 0x200000;
    static constexpr u64 kLockPhys = 0x203000;
    static constexpr u64 kRegistryPhys = 0x204000;
    static constexpr u64 kFrameTablePhys = 0x210000;
    static constexpr u64 kDirectMap = 0xFFFF830000000000ull;
    static constexpr u64 kImageOffset = 0xFFFF82D080000000ull;
    static constexpr u32 kMaxDomains = 16;
    static constexpr u64 kGrantSlotsPhys = 0x205000;
    static constexpr u32 kGrantTableAt = 0x100, kMaptrackAt = 0x400;

    // Synthetic layouts (offsets unlike the real ones on purpose).
    static constexpr u32 kDomainSize = 0x2000, kVcpuSize = 0x200, kVcpusAt = 0x400;
    static constexpr u32 kEvtchnSize = 8 + 4096 * 8, kPortsAt = 8;

    explicit SyntheticImage(u64 bytes = 16ull << 20);

    MachineMemory memory() const {
        return MachineMemory(bytes_.data(), bytes_.size(), bytes_.size());
    }
    introspect_abi::Root& root() {
        return *reinterpret_cast<introspect_abi::Root*>(&bytes_[kRootPhys]);
    }
    // Recomputes the checksum and sets the magic (after edits to the root).
    void seal();

    template <class T>
    void put(u64 pa, T v) {
        std::memcpy(&bytes_[pa], &v, sizeof v);
    }
    template <class T>
    T get(u64 pa) const {
        T v;
        std::memcpy(&v, &bytes_[pa], sizeof v);
        return v;
    }
    mm::FrameInfo& frame(u64 mfn) {
        return *reinterpret_cast<mm::FrameInfo*>(&bytes_[kFrameTablePhys + mfn * 16]);
    }
    u64 nr_frames() const { return bytes_.size() / kPageSize; }

    // A domain record at machine frame `mfn` (2 frames), registered.
    u64 add_domain(u16 id, u64 mfn, u8 state, u64 nr_pages, unsigned nr_vcpus);
    void set_vcpu(u64 dom_pa, unsigned v, u8 state, u64 l4_mfn, u64 rip);
    // An event-channel table at machine frame `mfn` for the domain at dom_pa.
    u64 add_evtchn(u64 dom_pa, u64 mfn);
    void set_port(u64 evtchn_pa, u32 port, u8 state, u8 virq, u16 remote_dom);

    // Grant state of `domid` at machine frame `mfn` (8 frames), with one
    // shared v1 frame and its active entries.
    u64 add_grants(u16 domid, u64 mfn, u64 shared_mfn, u64 active_mfn);
    void set_grant(u64 grants_pa, u32 ref, u16 flags, u16 domid, u32 frame);
    void set_active(u64 grants_pa, u32 ref, u8 host_rw, u16 domid, u64 mfn);
    void add_mapping(u64 grants_pa, u32 handle, u32 flags, u16 granter, u32 ref, u64 mfn);

    // The offset a test names, from the published table.
    u32 offset(const std::string& name) const;

  private:
    void field(const char* name, u32 offset, u32 size);
    std::vector<u8> bytes_;
};

} // namespace glass::test
