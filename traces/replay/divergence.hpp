// What replay found different from the recording, and the counts of what
// it did. Plain data: the CLI prints it, the workbench lists it.
#pragma once

#include "hv/lib/types.hpp"

#include <map>
#include <optional>
#include <string>

namespace glass::replay {

enum class DivergenceKind : u8 {
    Result,     // the re-executed hypercall returned something else
    Checkpoint, // a state hash differs
    GuestRead,  // the re-executed hypercall read other guest memory than recorded
    ReadsLeft,  // it read less guest memory than the recording holds
    PageType,   // a recorded page-type change did not happen (or differently)
    Framing,    // records that do not nest (an exit without entry, ...)
    Lost,       // the recorder lost records here: what follows is not verifiable
};

const char* divergence_kind_name(DivergenceKind k);

struct Divergence {
    DivergenceKind kind = DivergenceKind::Result;
    u64 record = 0;      // index of the record where it showed
    u64 call_record = 0; // the hypercall's entry record (Result, GuestRead, ReadsLeft, PageType)
    u16 domain = 0, vcpu = 0;
    u32 nr = 0, subop = 0;
    i64 expected_result = 0, actual_result = 0;
    u64 expected_hash[2] = {}, actual_hash[2] = {}; // frame table, event channels
    std::optional<u64> frame; // the frame whose state differs, when one can be named
    std::string detail;       // what differs, one line

    // "record 1234 (d0v0 mmu_update, entry at 1230): result -22, recorded 0; frame 0x1a3: ..."
    std::string message() const;
};

struct ReplayStats {
    u64 records = 0;         // event records processed
    u64 hypercalls = 0;      // exits matched to an entry
    u64 replayed = 0;        // of them re-executed on the replayed core
    u64 results_matched = 0; // of them returning the recorded result
    u64 checkpoints = 0;
    u64 checkpoints_matched = 0;
    u64 containers = 0;              // multicalls: their sub-calls are replayed
    std::map<u32, u64> not_modelled; // hypercall number -> count, not re-executed
    u64 unknown_domain = 0;          // calls from domains the snapshot does not have
    u64 frames_loaded = 0;           // validated frames whose recorded contents were used
    u64 frames_without_contents = 0; // validated without recorded contents (1.0 recorder)
    u64 guest_writes = 0;            // results written back (not checked: not recorded)
    u64 lost_records = 0;
    u64 page_types_checked = 0; // recorded page-type changes compared with the replayed frame
    u64 not_modelled_total() const {
        u64 n = 0;
        for (const auto& [nr, c] : not_modelled)
            n += c;
        return n;
    }
};

} // namespace glass::replay
