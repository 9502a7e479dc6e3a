// Synthetic traces for tests and benchmarks until the hypervisor's recorder
// exists: a deterministic (seeded) mix shaped like a PV guest at work --
// mostly mmu_update/update_va_mapping/mmuext_op page-table traffic, event
// channel notifications with upcalls, timer and scheduler calls, bounced
// page faults, occasional lost records -- with realistic latencies and the
// guest memory mmu_update reads.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "traces/record.hpp"
#include "traces/status.hpp"
#include "traces/writer.hpp"

namespace glass::trace {

struct SynthOptions {
    std::uint64_t records = 100000;
    std::uint64_t seed = 1;
    std::uint16_t domains = 4; // domain 0 plus domUs
    std::uint16_t vcpus = 2;   // per domain
    std::uint16_t cpus = 2;
    std::uint64_t checkpoint_every = 65536; // records
};

class SynthTrace {
  public:
    explicit SynthTrace(const SynthOptions& opt);

    // Calls `emit` for every initial-state record.
    void snapshot(const std::function<void(const RecordHeader&)>& emit);
    // The next event record, or null after opt.records of them. Valid until
    // the next call.
    const RecordHeader* next();

  private:
    std::uint64_t rand();
    std::uint64_t below(std::uint64_t n) { return rand() % n; }
    // Appends a zeroed record of `bytes` (plus `tail`) to the queue.
    template <typename T>
    T& push(RecordType type, std::uint32_t tail = 0);
    void generate();
    void hypercall();
    std::uint64_t latency(std::uint64_t base);

    SynthOptions opt_;
    std::uint64_t state_;
    std::uint64_t produced_ = 0;
    std::uint64_t now_ns_ = 1'000'000;
    std::uint64_t checkpoints_ = 0;
    std::uint16_t cpu_ = 0;
    std::vector<std::uint16_t> running_domain_, running_vcpu_; // per CPU
    std::vector<std::uint64_t> queue_;                         // pending records, 8-byte words
    std::size_t queue_bytes_ = 0, queue_pos_ = 0;
};

// Writes a complete synthetic trace.
Status write_synthetic(Writer& w, const SynthOptions& opt);

} // namespace glass::trace
