// Portable state hashes for trace checkpoints (traces/FORMAT.md, Checkpoint
// record). The hypervisor's recorder and the host replay engine both call
// these over the same core data structures (mm::FrameTable, EvtchnTable), so
// a replay that reproduced the recorded state computes the recorded values.
//
// What is hashed is only state the hypervisor alone decides: ownership,
// types, counts and validated page-table entries, and event-channel
// bindings. Left out on purpose, because the guest or the hardware changes
// them without a hypercall a trace could record: the accessed/dirty bits of
// page-table entries (set by the MMU), the hypervisor's own L4 slots
// 256..271 (hypervisor pointers, different on every machine), contents of
// frames that are not validated tables (the guest writes them directly) and
// event pending/mask bits (they live in shared_info, which the guest clears).
//
// Freestanding, no allocation: the hypervisor calls it with its lock held.
#pragma once

#include "hv/core/evtchn/port_table.hpp"
#include "hv/core/mm/frame_table.hpp"
#include "hv/core/mm/phys_mem.hpp"
#include "hv/lib/types.hpp"

namespace trace {

// Word-at-a-time hash: h = (rotl(h, 29) ^ w) * kHashMul per 64-bit word,
// starting from kHashSeed, then h ^ (h >> 31) once at the end. Every step is
// a bijection of h, so any single changed word changes the result.
constexpr u64 kHashSeed = 0x676c617373686f75ull; // "glasshou"
constexpr u64 kHashMul = 0x9E3779B97F4A7C15ull;

class StateHash {
  public:
    constexpr void add(u64 w) { h_ = (((h_ << 29) | (h_ >> 35)) ^ w) * kHashMul; }
    constexpr u64 value() const { return h_ ^ (h_ >> 31); }

  private:
    u64 h_ = kHashSeed;
};

// A frame takes part in the frame-table hash when a domain owns it (owner
// below DOMID_FIRST_RESERVED), anything references it (general or type
// count non-zero) or it is a hypervisor frame shared with a domain. Free, MMIO and unreferenced
// hypervisor frames do not, so the hash does not depend on the machine's size or the hypervisor's
// own allocations.
bool frame_hashed(const mm::FrameInfo& f);

// The words one frame contributes (see FORMAT.md): its number, its
// FrameInfo packed into two words, and for an active validated L1..L4 its
// 512 entries with A/D cleared and, for L4, slots 256..271 skipped.
void hash_frame(StateHash& h, u64 mfn, const mm::FrameInfo& f, const mm::PhysMem& mem);

// Over every frame of the table in ascending mfn, then the count of frames
// hashed. `mem` must contain every frame that is an active table.
u64 frame_table_hash(const mm::FrameTable& frames, const mm::PhysMem& mem);

// Over the port tables of every domain, in ascending domain id (the caller
// passes them sorted; null entries are skipped): per domain its id and vCPU
// count, then every port that is not Free, then the number of domains.
u64 evtchn_hash(const EvtchnTable* const* tables, usize count);

// The two words a port contributes (exposed for tests and for replay's
// divergence report).
u64 port_word0(u16 domid, u32 port, const PortRecord& r);
u64 port_word1(const PortRecord& r);

} // namespace trace
