// Page-table walks of a domain's address space through its own tables, as
// the MMU would do them (4-level, 4 KiB pages, 2 MiB and 1 GiB superpages),
// and the reverse: which page-table entries map a given frame.
#pragma once

#include "introspect/lib/frames.hpp"
#include "introspect/lib/outcome.hpp"
#include "introspect/lib/target.hpp"

#include <string>
#include <vector>

namespace glass {

struct WalkStep {
    unsigned level = 0; // 4 = L4 ... 1 = L1
    u64 table_mfn = 0;  // the table read at this level
    unsigned index = 0; // entry index in it
    u64 entry = 0;      // the entry as read
};

struct WalkResult {
    u64 va = 0;
    u64 l4_mfn = 0;
    std::vector<WalkStep> steps;
    bool mapped = false;
    // Mapped: the machine frame reached (4 KiB frame inside a superpage),
    // the machine address of va, the page size and the effective rights.
    u64 mfn = 0;
    u64 maddr = 0;
    u64 page_size = 0;
    bool writable = false, user = false, executable = false;
    // Not mapped: why, e.g. "L2 entry 3 not present".
    std::string why_unmapped;
};

// Errors are for walks that cannot be done (non-canonical address, a table
// outside RAM); an unmapped address is a result with mapped = false.
Outcome<WalkResult> walk(const Target& t, u64 l4_mfn, u64 va);
// The same over any machine memory (a replayed trace's, traces/replay).
Outcome<WalkResult> walk(const MachineMemory& m, u64 l4_mfn, u64 va);

// Flag letters of an entry, for humans: Present, Writable, User, Accessed,
// Dirty, Superpage, Global, No-execute ("-" where clear).
std::string pte_flags(u64 entry, unsigned level);

struct PteRef {
    u64 table_mfn = 0;
    unsigned level = 0;
    unsigned index = 0;
    u64 entry = 0;
    u16 table_owner = 0;
};

// Every present entry of every active page table (L1-L4 frames with a type
// count) that maps `mfn`: leaf entries, superpages covering it, and entries
// referencing it as a lower-level table.
std::vector<PteRef> reverse_lookup(const Target& t, const FrameSnapshot& frames, u64 mfn);
std::vector<PteRef> reverse_lookup(const MachineMemory& m, const FrameSnapshot& frames, u64 mfn);

} // namespace glass
