// Producer side of a trace ring (ring_layout.hpp): one writer per CPU, so
// no locks and no atomic read-modify-write; the only synchronisation is the
// release store of `produced` after a record's bytes and the acquire load
// of the host's `consumed`.
//
// A record that does not fit is dropped and counted, never waited for (a
// full ring must not stall a guest). The next record that fits is preceded
// by a LostRecords record with the count and the time of the first loss,
// as xentrace does, so a reader of the stream always knows where the gap
// is. Room for that LostRecords record is reserved with every record, so
// the notice can always be written before anything else gets in.
#pragma once

#include "hv/core/trace/ring_layout.hpp"
#include "traces/record.hpp"

namespace trace {

class RingWriter {
  public:
    RingWriter() = default;
    // `data` is the producer's mapping of ctl.data_phys (ctl.size bytes).
    void attach(RingControl* ctl, u8* data);
    bool attached() const { return ctl_ != nullptr; }

    // Appends one record: `rec` (rec_bytes, starting with a RecordHeader
    // whose size is already set to the padded total), then `tail`
    // (tail_bytes), then zero padding up to the header's size. Returns
    // false if it was dropped (counted). `now_ns` stamps a LostRecords
    // record if one must go first.
    bool write(const void* rec, u32 rec_bytes, const void* tail, u32 tail_bytes, u64 now_ns);

    // Bytes free right now, after the reserve for a loss notice.
    u32 room() const;
    // Records dropped since the last LostRecords record went out.
    u64 pending_lost() const { return pending_lost_; }
    // Writes the pending LostRecords notice on its own (recording stops:
    // nothing else will carry it). False if even that does not fit.
    bool flush_lost(u64 now_ns);
    // The next record starts a new recording: remember where.
    void mark_epoch_start();
    const RingControl* control() const { return ctl_; }

  private:
    void put(u64 pos, const void* src, u32 n);
    void drop(u64 now_ns);
    void write_loss_notice(u64 pos, u64 now_ns);

    RingControl* ctl_ = nullptr;
    u8* data_ = nullptr;
    u64 produced_ = 0; // local copy: only this writer changes it
    u64 pending_lost_ = 0;
    u64 first_lost_ns_ = 0;
};

} // namespace trace
