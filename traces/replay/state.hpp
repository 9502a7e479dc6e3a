// The replayed machine: the hypervisor's portable memory and event core
// (frame table, page typing, port tables) instantiated on the host over
// the frames and domains a trace's snapshot describes, plus the vCPU state
// the modelled hypercalls read (base pointers). Copyable as a checkpoint.
#pragma once

#include "hv/core/evtchn/port_table.hpp"
#include "hv/core/mm/domain_mm.hpp"
#include "hv/core/mm/frame_table.hpp"
#include "hv/core/mm/page_types.hpp"
#include "traces/reader.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace glass::replay {

struct VcpuState {
    u64 kernel_l4_mfn = 0;
    u64 user_l4_mfn = 0;
    bool kernel_mode = true;
    u64 ldt_base = 0;
    u32 ldt_ents = 0;
};

struct DomainState {
    u16 id = 0;
    bool privileged = false;
    u64 pages = 0;
    u32 run_state = 0; // SnapDomain.state
    mm::DomainMm mm;
    std::vector<VcpuState> vcpus;
    std::unique_ptr<EvtchnTable> evtchn;
    // Pending bits are the guest's (not hashed); evtchn_close clears them here.
    std::unique_ptr<xen::SharedInfo> shared;
};

// Frame contents are host memory allocated lazily (calloc: untouched frames
// cost nothing), so a 16 GiB machine's trace replays in what its tables use.
class FrameMemory {
  public:
    FrameMemory() = default;
    explicit FrameMemory(u64 nr_frames);
    FrameMemory(const FrameMemory&) = delete;
    FrameMemory& operator=(const FrameMemory&) = delete;
    ~FrameMemory() { std::free(base_); }

    u64 nr_frames() const { return nr_frames_; }
    u64* frame(u64 mfn) { return base_ + mfn * mm::kEntriesPerTable; }
    const u64* frame(u64 mfn) const { return base_ + mfn * mm::kEntriesPerTable; }
    mm::PhysMem phys() const { return mm::PhysMem(base_, nr_frames_); }
    const u8* bytes() const { return reinterpret_cast<const u8*>(base_); }

  private:
    u64* base_ = nullptr;
    u64 nr_frames_ = 0;
};

// A checkpoint: everything the state hash and later replay depend on. Frame
// contents are kept for active tables and descriptor pages only; any other
// frame's contents are the guest's and come from the trace when validated.
struct SavedState {
    // Frames that differ from the base table given to save() (the free
    // default without one): a machine's frames mostly keep their snapshot
    // state, so checkpoints stay small on large machines.
    std::vector<std::pair<u64, mm::FrameInfo>> frames;
    std::vector<std::pair<u64, std::vector<u64>>> tables;
    std::vector<DomainState> domains;
};

class MachineState {
  public:
    // Builds the machine from the trace's snapshot chunks. Fails (with the
    // record and what is wrong) on a snapshot that contradicts itself.
    trace::Status load_snapshot(trace::Reader& reader);
    // An empty machine of `nr_frames` free frames and no domains, to be
    // built by hand (the host scenario, tests).
    void create(u64 nr_frames);
    // Adds a domain with `vcpus` vCPUs and an event-channel table.
    DomainState& add_domain(u16 id, u32 vcpus, bool privileged);
    std::vector<mm::FrameInfo>& info() { return info_; }

    mm::FrameTable& frames() { return *frames_; }
    const mm::FrameTable& frames() const { return *frames_; }
    mm::PageTypes& types() { return *types_; }
    FrameMemory& memory() { return *memory_; }
    const FrameMemory& memory() const { return *memory_; }
    DomainState* domain(u16 id);
    const DomainState* domain(u16 id) const;
    const std::map<u16, DomainState>& domains() const { return domains_; }
    const std::vector<mm::FrameInfo>& info() const { return info_; }

    u64 frame_table_hash() const;
    u64 evtchn_hash() const;

    // `base`, if given, is a frame table of this machine's size (the
    // snapshot's) that restore() is then given too.
    void save(SavedState& out, const std::vector<mm::FrameInfo>* base = nullptr) const;
    void restore(const SavedState& in, const std::vector<mm::FrameInfo>* base = nullptr);

  private:
    void allocate(u64 nr_frames);

    std::unique_ptr<FrameMemory> memory_;
    std::vector<mm::FrameInfo> info_;
    std::unique_ptr<mm::FrameTable> frames_;
    std::unique_ptr<mm::PageTypes> types_;
    std::map<u16, DomainState> domains_;
};

DomainState copy_domain(const DomainState& d);

} // namespace glass::replay
