#include "gui/trace_view/scrub.hpp"

#include <algorithm>

namespace glass::tv {

void ScrubState::reset(const TraceModel* m) {
    m_ = m;
    playing_ = false;
    set_applied(0, m ? double(m->begin_ns()) : 0.0);
}

void ScrubState::set_applied(u64 n, double time) {
    n = std::min(n, record_count());
    if (n != applied_) generation_++;
    applied_ = n;
    time_ns_ = time;
}

void ScrubState::set_speed(double s) {
    speed_ = std::clamp(s, kMinSpeed, kMaxSpeed);
}

void ScrubState::play() {
    if (!m_ || record_count() == 0) return;
    if (at_end()) seek_start();
    playing_ = true;
}

void ScrubState::seek_record(u32 record) {
    if (!m_ || record_count() == 0) return;
    record = u32(std::min<u64>(record, record_count() - 1));
    set_applied(u64(record) + 1, double(m_->clock_at(record)));
}

void ScrubState::seek_start() {
    if (!m_) return;
    set_applied(0, double(m_->begin_ns()));
}

void ScrubState::seek_end() {
    if (!m_) return;
    set_applied(record_count(), double(m_->end_ns()));
}

void ScrubState::seek_time(u64 t) {
    if (!m_) return;
    const u32 last = m_->last_record_at_or_before(t);
    set_applied(last == kNoRecord ? 0 : u64(last) + 1, double(t));
}

void ScrubState::seek_fraction(double f) {
    if (!m_) return;
    f = std::clamp(f, 0.0, 1.0);
    const double t = double(m_->begin_ns()) + f * double(m_->end_ns() - m_->begin_ns());
    seek_time(u64(t));
}

void ScrubState::step(std::int64_t n) {
    playing_ = false;
    if (!m_) return;
    const std::int64_t target =
        std::clamp<std::int64_t>(std::int64_t(applied_) + n, 0, std::int64_t(record_count()));
    if (target == 0) {
        seek_start();
    } else {
        seek_record(u32(target - 1));
    }
}

bool ScrubState::step_matching(const FilteredTrace& f, int dir) {
    playing_ = false;
    if (!m_ || f.row_count() == 0) return false;
    if (dir > 0) {
        // First passing record after the current one.
        const u64 pos = f.row_position(u32(applied_));
        if (pos >= f.row_count()) return false;
        seek_record(f.row_record(pos));
        return true;
    }
    // Last passing record before the current one.
    if (applied_ <= 1) return false;
    const u64 pos = f.row_position(u32(applied_ - 1));
    if (pos == 0) return false;
    seek_record(f.row_record(pos - 1));
    return true;
}

bool ScrubState::advance(double wall_seconds) {
    if (!playing_ || !m_) return false;
    const u64 before = applied_;
    const double t = time_ns_ + wall_seconds * 1e9 * speed_;
    if (t >= double(m_->end_ns())) {
        set_applied(record_count(), double(m_->end_ns()));
        playing_ = false;
    } else {
        const u32 last = m_->last_record_at_or_before(u64(t));
        set_applied(last == kNoRecord ? 0 : u64(last) + 1, t);
    }
    return applied_ != before;
}

} // namespace glass::tv
