#include "hv/core/trace/ring_writer.hpp"

namespace trace {

namespace {
constexpr u32 kLossNotice = sizeof(glass::trace::LostRecords);
}

void RingWriter::attach(RingControl* ctl, u8* data) {
    ctl_ = ctl;
    data_ = data;
    produced_ = ctl->produced;
    pending_lost_ = 0;
}

u32 RingWriter::room() const {
    u64 consumed = ring_load(ctl_->consumed);
    u64 used = produced_ - consumed;
    // A consumer word ahead of us or more than a ring behind is a host bug
    // (or a host that never attached and left garbage): no room, so the
    // records are counted as lost instead of overwriting what it may read.
    if (consumed > produced_ || used > ctl_->size) return 0;
    u64 free = ctl_->size - used;
    return free > kLossNotice ? static_cast<u32>(free - kLossNotice) : 0;
}

// Copies in 8-byte words: under QEMU TCG a `rep movsb` costs one emulated
// iteration per byte, which made recording several times slower. Record
// pieces start 8-aligned in the ring except a tail's last partial word.
void RingWriter::put(u64 pos, const void* src, u32 n) {
    const u8* s = static_cast<const u8*>(src);
    u8* const d = data_; // a local: stores through u8* could alias this
    const u64 mask = ctl_->size - 1;
    u32 i = 0;
    // Words only from an 8-aligned position: the ring size is a power of two
    // of at least 8, so such a word never straddles the end.
    for (; (pos & 7) == 0 && i + 8 <= n; i += 8) {
        u64 w = 0;
        if (s) __builtin_memcpy(&w, s + i, 8); // one unaligned load
        __builtin_memcpy(d + ((pos + i) & mask), &w, 8);
    }
    for (; i < n; i++)
        d[(pos + i) & mask] = s ? s[i] : 0;
}

void RingWriter::drop(u64 now_ns) {
    if (pending_lost_++ == 0) first_lost_ns_ = now_ns;
    // The host reads `lost` for its progress line; the stream gets the
    // LostRecords record once there is room.
    ring_store(ctl_->lost, ctl_->lost + 1);
}

bool RingWriter::write(const void* rec, u32 rec_bytes, const void* tail, u32 tail_bytes,
                       u64 now_ns) {
    const auto* h = static_cast<const glass::trace::RecordHeader*>(rec);
    u32 size = h->size;
    if (!ctl_ || size < rec_bytes + tail_bytes || size % 8 ||
        size > glass::trace::kMaxRecordBytes) {
        // A caller bug, not a full ring, but counted the same way so it is
        // never silent.
        if (ctl_) drop(now_ns);
        return false;
    }
    // room() keeps kLossNotice back, so a pending notice always fits in
    // front of a record that fits.
    if (size > room()) {
        drop(now_ns);
        return false;
    }
    u64 pos = produced_;
    if (pending_lost_) {
        write_loss_notice(pos, now_ns);
        pos += kLossNotice;
    }
    put(pos, rec, rec_bytes);
    if (tail_bytes) put(pos + rec_bytes, tail, tail_bytes);
    u32 pad = size - rec_bytes - tail_bytes;
    if (pad) put(pos + rec_bytes + tail_bytes, nullptr, pad);
    produced_ = pos + size;
    ring_store(ctl_->records, ctl_->records + 1);
    // Release: the host that sees the new position sees the bytes before it.
    ring_store(ctl_->produced, produced_);
    return true;
}

bool RingWriter::flush_lost(u64 now_ns) {
    if (!pending_lost_) return true;
    u64 consumed = ring_load(ctl_->consumed);
    if (consumed > produced_ || produced_ - consumed + kLossNotice > ctl_->size) return false;
    write_loss_notice(produced_, now_ns);
    produced_ += kLossNotice;
    ring_store(ctl_->produced, produced_);
    return true;
}

void RingWriter::write_loss_notice(u64 pos, u64 now_ns) {
    glass::trace::LostRecords lr{};
    lr.h.type = static_cast<u16>(glass::trace::RecordType::LostRecords);
    lr.h.cpu = static_cast<u16>(ctl_->cpu);
    lr.h.size = kLossNotice;
    lr.h.domain = glass::trace::kDomainHypervisor;
    lr.h.time_ns = now_ns;
    lr.count = pending_lost_;
    lr.first_lost_ns = first_lost_ns_;
    put(pos, &lr, kLossNotice);
    pending_lost_ = 0;
    ring_store(ctl_->records, ctl_->records + 1);
}

void RingWriter::mark_epoch_start() {
    ring_store(ctl_->epoch_start, produced_);
}

} // namespace trace
