// Recording from a running Glasshouse (issue 9): attaches to QEMU's shared
// RAM file, finds the trace control page through the introspection root
// ("phys.TraceControl" in its layout table), starts and stops recording
// through the host mailbox, drains every CPU's ring zero-copy and merges
// them into one time-ordered stream for the trace Writer. No CLI here:
// `glass trace record` (traces/cli/cmd_record.cpp) is a thin loop over it.
//
// Merging: all hypervisor work, and so every record, happens under the one
// hypervisor lock, so time stamps follow lock order across CPUs. A record
// that was not yet visible when a drain pass read a ring was committed
// after every record of the previous pass, so after pass k everything up
// to the newest time seen in pass k-1 can be written in time order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hv/core/trace/control_layout.hpp"
#include "traces/live/ring_reader.hpp"
#include "traces/writer.hpp"

namespace glass::trace {

struct LiveStats {
    std::uint64_t records = 0;        // written to the file (snapshot included)
    std::uint64_t snapshot = 0;       // of which snapshot records
    std::uint64_t bytes = 0;          // drained from the rings
    std::uint64_t lost = 0;           // the hypervisor's count of dropped records
    std::uint64_t lost_in_stream = 0; // what LostRecords records in the stream add up to
    std::vector<std::string> ring_errors;
};

class LiveRecorder {
  public:
    // Maps `mem_path` (read-write: the host writes `consumed` and the
    // mailbox) and finds the control page; `hv_elf` may be empty.
    static std::unique_ptr<LiveRecorder> attach(const std::string& mem_path,
                                                const std::string& hv_elf, std::string& error);
    ~LiveRecorder();

    // Send start/stop as qGlasshouse.trace packets to the control port
    // (control=com3) at "HOST:PORT" instead of the shared-memory mailbox.
    bool use_control_port(const std::string& endpoint, std::string& error);

    ::trace::TraceControl& control() { return *ctl_; }
    unsigned rings() const { return static_cast<unsigned>(readers_.size()); }
    // Hypervisor system time when the recording's snapshot was taken.
    std::uint64_t start_time_ns() const;

    // Asks for a new recording with `filters` (or joins one already running
    // when `join` and the state is Recording, e.g. trace=on at boot) and
    // waits until the hypervisor has taken the snapshot, draining as it
    // writes it. False and `error` on refusal or timeout.
    // What is drained meanwhile is held until the first poll(), so the
    // Writer can be created afterwards with the recording's time base.
    bool start(const ::trace::Filters& filters, bool join, double timeout_s, std::string& error);
    // One drain pass over every ring; writes what is safe to write.
    Status poll(Writer& w);
    // Whether the hypervisor stopped recording on its own (domain 0 ended
    // the machine, or another tool stopped it).
    bool stopped_by_hypervisor() const;
    // Asks the hypervisor to stop (unless it already has), drains the rest
    // and writes everything still held back. Does not finish the Writer.
    Status stop(Writer& w, double timeout_s, std::string& error);

    const LiveStats& stats() const { return stats_; }

  private:
    struct Held {
        std::uint64_t time;
        std::uint64_t order;  // drain order, so equal times keep ring order
        std::uint64_t offset; // of the record in arena_
    };
    LiveRecorder() = default;
    bool request_control(::trace::Command cmd, const ::trace::Filters& f, double timeout_s,
                         std::int64_t& result, std::string& error);
    bool request(::trace::Command cmd, const ::trace::Filters& f, double timeout_s,
                 std::int64_t& result, std::string& error);
    Status drain_pass(Writer* w, bool final); // null: only hold what is drained
    Status write_held(Writer& w, std::uint64_t up_to, bool all);
    void skip_to_epoch();
    std::uint64_t total_lost() const;

    std::uint8_t* base_ = nullptr;
    std::uint64_t size_ = 0;
    std::uint64_t low_size_ = 0;
    ::trace::TraceControl* ctl_ = nullptr;
    std::vector<RingReader> readers_;
    std::uint32_t epoch_ = 0;
    std::vector<Held> held_;
    std::vector<std::uint8_t> arena_; // the held records' bytes, 8-aligned sizes
    std::uint64_t order_ = 0;
    std::uint64_t watermark_ = 0; // newest time seen up to the previous pass
    std::uint64_t newest_ = 0;
    bool requested_stop_ = false;
    std::uint64_t lost_base_ = 0;
    std::string control_; // empty: the mailbox // ring loss counters when this recording began
    LiveStats stats_;
};

} // namespace glass::trace
