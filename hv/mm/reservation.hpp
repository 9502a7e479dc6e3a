// The hypervisor side of ballooning (memory_op, docs/pv-abi.md §3.4.8):
// frames come from and return to the machine frame allocator, are charged
// to the domain's reservation (nr_pages <= max_pages) and keep the M2P
// current. The extent-list logic itself is portable: hv/core/mm/reservation.
#pragma once

#include "hv/core/mm/reservation.hpp"
#include "hv/domain/domain.hpp"

// What `caller` may ask for: larger extents for domains with I/O rights.
mm::MemopLimits memop_limits(const Domain* caller);

// Guest lists are read through the calling vCPU's address space; frames
// are the target domain's.
class DomainExtentOps final : public mm::ExtentOps {
  public:
    explicit DomainExtentOps(Domain* target);

    bool list_ok(u64 list, u64 first, u64 last) override;
    bool read(u64 list, u64 index, u64& value) override;
    bool write(u64 list, u64 index, u64 value) override;
    Result<u64> alloc(unsigned order, unsigned address_bits) override;
    void unalloc(u64 mfn, unsigned order) override;
    Status remove(u64 mfn) override;
    Status steal(u64 mfn) override;
    void unsteal(u64 mfn) override;
    void free_stolen(u64 mfn) override;
    void set_m2p(u64 mfn, u64 pfn) override;

  private:
    Domain* d_;
};

// The machine frames backing the M2P, one per 2 MiB of it (what
// XENMEM_machphys_mfn_list reports), and how many bytes of it exist.
u64 m2p_chunk_mfn(u64 chunk);
u64 m2p_bytes();
