// A running (or recorded) Glasshouse, attached through its machine memory:
// the introspection root found and checked, the layout table loaded, and
// the consistency protocol (introspect/FORMAT.md §Consistency) for reads.
#pragma once

#include "introspect/lib/layout.hpp"
#include "introspect/lib/machine_memory.hpp"
#include "introspect/lib/mapped_file.hpp"
#include "introspect/lib/outcome.hpp"

#include "hv/introspect/format.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace glass {

// How a snapshot was taken. `consistent`: no hypervisor critical section
// and no domain creation or destruction overlapped the read. Otherwise the
// snapshot is still made of single-word atomic reads, but fields of one
// record may come from different moments.
struct ReadStamp {
    bool consistent = false;
    u64 generation = 0;
    unsigned attempts = 0;
};

class Target {
  public:
    // Attach to memory; the root is at `root_phys` when given (from hv.elf),
    // else found by scanning page starts for the magic.
    static Outcome<Target> attach(MachineMemory mem, std::optional<u64> root_phys);
    // Maps QEMU's RAM file and attaches; `hv_elf` may be empty (then scan).
    static Outcome<Target> open(const std::string& mem_path, const std::string& hv_elf);

    const MachineMemory& memory() const { return mem_; }
    const introspect_abi::Root& root() const { return root_; }
    const Layout& layout() const { return layout_; }
    u64 root_phys() const { return root_phys_; }

    // Machine address of a hypervisor pointer (direct map or image); 0 when
    // the pointer is in neither.
    u64 hv_phys(u64 va) const;
    // The current domain-registry generation (odd while one changes).
    u64 generation() const;

    // Runs `read` until it did not overlap any hypervisor change, at most
    // `tries` times; the last attempt's result stands either way.
    // Nested inside another read_consistent (a snapshot made of smaller
    // ones), `read` runs once: the outer read's checks cover it, and
    // retrying inside would multiply the attempts.
    template <class F>
    ReadStamp read_consistent(F&& read, unsigned tries = 64) const {
        return read_consistent_until(read,
                                     [tries](unsigned attempts) { return attempts >= tries; });
    }

    // The same with a time budget instead of a count, for reads whose cost
    // grows with the machine (the frame table): as many attempts as fit in
    // `budget_ms` (at least `min_tries`), so a small table gets many chances
    // between the hypervisor's critical sections and a huge one is not read
    // dozens of times over.
    template <class F>
    ReadStamp read_consistent_within(F&& read, double budget_ms, unsigned min_tries = 2) const {
        auto start = std::chrono::steady_clock::now();
        return read_consistent_until(read, [&](unsigned attempts) {
            double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            return attempts >= min_tries && ms >= budget_ms;
        });
    }

  private:
    template <class F, class GiveUp>
    ReadStamp read_consistent_until(F& read, GiveUp&& give_up) const {
        ReadStamp stamp;
        if (nesting_ > 0) {
            read();
            stamp.consistent = true;
            stamp.attempts = 1;
            stamp.generation = generation();
            return stamp;
        }
        struct Nest {
            Nest() { nesting_++; }
            ~Nest() { nesting_--; }
        } nest;
        for (stamp.attempts = 1;; stamp.attempts++) {
            u64 gen_before = 0;
            u32 next_before = 0;
            bool quiet = wait_quiet(next_before, gen_before);
            read();
            stamp.generation = gen_before;
            if (quiet && lock_next() == next_before && generation() == gen_before) {
                stamp.consistent = true;
                return stamp;
            }
            if (give_up(stamp.attempts)) return stamp;
            __builtin_ia32_pause();
        }
    }

    Target() = default;
    // The hypervisor lock is a ticket lock: every acquisition increments
    // `next`, so a read that starts with the lock free and ends with `next`
    // unchanged overlapped no critical section.
    u32 lock_next() const;
    // Whether the lock is free now; `next` as read, for the end check.
    bool lock_free(u32& next) const;
    // Spins (a bounded while, about as long as a critical section under
    // TCG) until the lock is free and no domain change is under way, so an
    // attempt is not spent copying while the hypervisor writes. False if
    // it never got quiet; `next` and `gen` as last read.
    bool wait_quiet(u32& next, u64& gen) const;

    static inline thread_local int nesting_ = 0;
    std::shared_ptr<MappedFile> file_; // keeps mem_ mapped, when from a file
    MachineMemory mem_;
    introspect_abi::Root root_{};
    u64 root_phys_ = 0;
    Layout layout_;
};

} // namespace glass
