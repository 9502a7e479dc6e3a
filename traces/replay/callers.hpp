// The replay side of the portable hypercall interfaces
// (hv/core/hypercall): guest memory served from the call's HypercallRead
// records, and the calling vCPU and its domain from the replayed state.
#pragma once

#include "hv/core/hypercall/evtchn_ops.hpp"
#include "hv/core/hypercall/foreign_owner.hpp"
#include "hv/core/hypercall/mmu_ops.hpp"
#include "traces/record.hpp"
#include "traces/replay/divergence.hpp"
#include "traces/replay/state.hpp"

#include <string>
#include <vector>

namespace glass::replay {

// One HypercallRead of a recorded call.
struct RecordedRead {
    u64 record = 0; // index in the trace
    u64 va = 0;     // guest-virtual, or machine address for frame contents
    bool machine_frame = false;
    std::vector<u8> data;
};

// Reads are served in recorded order and must ask for the recorded address
// and size; a read past the recorded ones is a read that faulted when
// recorded (the recorder only records reads that succeeded): XEN_EFAULT.
class RecordedMemory final : public hcore::GuestMemory {
  public:
    RecordedMemory(const std::vector<RecordedRead>& reads, ReplayStats& stats)
        : reads_(reads), stats_(stats) {}

    Status read(void* dst, u64 va, usize n) override;
    Status write(u64 va, const void* src, usize n) override;

    // The first read that did not match, if any ("read 16 bytes at ..., recorded ...").
    const std::string& mismatch() const { return mismatch_; }
    u64 mismatch_record() const { return mismatch_record_; }
    // Guest reads the replayed call did not make.
    usize unread() const;
    u64 first_unread_record() const;

  private:
    usize next_guest(usize from) const;

    const std::vector<RecordedRead>& reads_;
    ReplayStats& stats_;
    usize pos_ = 0;
    std::string mismatch_;
    u64 mismatch_record_ = 0;
};

// The calling vCPU and its domain as the replayed (or host-driven) state
// has them; guest memory from whoever drives the call.
class ReplayMmuCaller final : public hcore::MmuCaller {
  public:
    ReplayMmuCaller(MachineState& m, DomainState& d, VcpuState& v, hcore::GuestMemory& mem)
        : m_(m), d_(d), v_(v), mem_(mem) {}

    hcore::GuestMemory& memory() override { return mem_; }
    const mm::DomainMm& mm() override { return d_.mm; }
    unsigned nr_vcpus() override { return static_cast<unsigned>(d_.vcpus.size()); }
    // Hypercalls come from guest kernel mode only.
    bool kernel_mode() override { return true; }
    u64& base_pointer(bool user) override { return user ? v_.user_l4_mfn : v_.kernel_l4_mfn; }
    void load_cr3(u64) override {}
    void flush_tlbs() override {}
    void flush_va(u64) override {}
    void flush_owner_tlbs() override {}
    void flush_cache() override {}
    void set_ldt(u64 base, u32 ents) override {
        v_.ldt_base = base;
        v_.ldt_ents = ents;
    }
    void m2p_set(u64, u64) override {}
    Result<u16> frame_owner(u16 domid) override;
    Result<hcore::TableOwner> table_owner(u16 pfd_plus_one) override;

  private:
    hcore::OtherDomain other(u16 domid) const;

    MachineState& m_;
    DomainState& d_;
    VcpuState& v_;
    hcore::GuestMemory& mem_;
};

class ReplayEvtchnCaller final : public hcore::EvtchnCaller {
  public:
    ReplayEvtchnCaller(MachineState& m, DomainState& d, hcore::GuestMemory& mem)
        : m_(m), d_(d), mem_(mem) {}

    hcore::GuestMemory& memory() override { return mem_; }
    u16 domid() override { return d_.id; }
    bool privileged() override { return d_.privileged; }
    u32 nr_vcpus() override { return static_cast<u32>(d_.vcpus.size()); }
    u64 nr_pages() override { return d_.pages; }
    EvtchnTable* table(u16 domid) override;
    xen::SharedInfo& shared_info() override { return *d_.shared; }
    // Delivery is the guest's business from here on (pending bits are not
    // part of the replayed state).
    void raise(u16, u32) override {}
    void unmask(u32) override {}

  private:
    MachineState& m_;
    DomainState& d_;
    hcore::GuestMemory& mem_;
};

} // namespace glass::replay
