#include "gui/trace_view/trace_model.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "traces/names.hpp"
#include "traces/reader.hpp"

namespace glass::tv {

using namespace glass::trace;

namespace {

// Deeper nesting than this (or spans a broken clock makes overlap) shares
// the last level, which is then sorted by start.
constexpr std::size_t kMaxLevels = 16;
constexpr u64 kProgressEvery = 1 << 20;

std::int16_t clamp16(std::int64_t v) {
    return static_cast<std::int16_t>(std::clamp<std::int64_t>(v, -32768, 32767));
}

u32 saturate32(u64 v) {
    return v > std::numeric_limits<u32>::max() ? std::numeric_limits<u32>::max() : u32(v);
}

void set_result(RecordRow& row, std::int16_t result) {
    row.time_bits = (row.time_bits & RecordRow::kTimeMask) | (u64(u16(result)) << 48);
    row.flags |= kRowCallDone | (result < 0 ? kRowFailed : 0);
}

} // namespace

std::string Track::name() const {
    if (hypervisor()) return "hypervisor";
    return "d" + std::to_string(domain) + "v" + std::to_string(vcpu);
}

int TraceModel::track_of(u16 domain, u16 vcpu) const {
    if (domain == kDomainHypervisor) vcpu = 0;
    auto it = std::lower_bound(tracks_.begin(), tracks_.end(), std::pair{domain, vcpu},
                               [](const Track& t, std::pair<u16, u16> k) {
                                   return std::pair{t.domain, t.vcpu} < k;
                               });
    if (it == tracks_.end() || it->domain != domain || it->vcpu != vcpu) return -1;
    return int(it - tracks_.begin());
}

std::string TraceModel::call_name(CallKind k) const {
    if (k == kNoCall || k >= call_nrs_.size()) return "-";
    return hypercall_name(call_nrs_[k]);
}

CallKind TraceModel::kind_of(u32 nr) const {
    for (std::size_t k = 0; k < call_nrs_.size(); k++)
        if (call_nrs_[k] == nr) return CallKind(k);
    return kNoCall;
}

u32 TraceModel::last_record_at_or_before(u64 t) const {
    std::size_t n;
    if (time_sorted_) {
        n = std::upper_bound(rows_.begin(), rows_.end(), t,
                             [](u64 v, const RecordRow& r) { return v < r.time_ns(); }) -
            rows_.begin();
    } else {
        n = std::upper_bound(clock_.begin(), clock_.end(), t) - clock_.begin();
    }
    return n == 0 ? kNoRecord : u32(n - 1);
}

u64 TraceModel::clock_at(u32 i) const {
    if (i >= rows_.size()) return end_ns_;
    return time_sorted_ ? rows_[i].time_ns() : clock_[i];
}

u64 TraceModel::span_count() const {
    u64 n = 0;
    for (const Track& t : tracks_)
        for (const SpanLevel& l : t.levels)
            n += l.spans.size();
    return n;
}

// --- Builder -------------------------------------------------------------------

struct TraceModel::Builder::Impl {
    struct OpenCall {
        Span span{};
        u32 nr = 0;
        std::vector<u32> rows; // records of the call whose rows learn its result at exit
    };
    struct TrackState {
        std::vector<OpenCall> stack;
        std::size_t depth = 0; // live entries of stack (the vector keeps its storage)
        std::vector<bool> level_unsorted;
    };

    u64 base_ns;
    std::unique_ptr<TraceModel> m = std::make_unique<TraceModel>();
    std::vector<TrackState> state;
    std::unordered_map<u32, u32> track_index;
    u32 last_key = 0xFFFFFFFFu, last_track = 0;
    u64 last_time = 0;
    bool any = false;

    explicit Impl(u64 base) : base_ns(base) { m->base_ns_ = base; }

    u32 track(u16 domain, u16 vcpu) {
        // The hypervisor's own records (checkpoints, losses) share one track.
        if (domain == kDomainHypervisor) vcpu = 0;
        const u32 key = u32(domain) << 16 | vcpu;
        if (key == last_key) return last_track;
        auto [it, added] = track_index.try_emplace(key, u32(m->tracks_.size()));
        if (added) {
            Track t;
            t.domain = domain;
            t.vcpu = vcpu;
            m->tracks_.push_back(std::move(t));
            state.emplace_back();
        }
        last_key = key;
        last_track = it->second;
        return it->second;
    }

    // Appends to the first level at or below `depth` where it overlaps nothing.
    void place(u32 ti, std::size_t depth, const Span& s) {
        Track& t = m->tracks_[ti];
        std::size_t level = std::min(depth, kMaxLevels - 1);
        while (level < t.levels.size() && !t.levels[level].spans.empty() &&
               t.levels[level].spans.back().end_ns() > s.start_ns && level + 1 < kMaxLevels)
            level++;
        if (level >= t.levels.size()) {
            t.levels.resize(level + 1);
            state[ti].level_unsorted.resize(level + 1);
        }
        auto& spans = t.levels[level].spans;
        if (!spans.empty() && spans.back().end_ns() > s.start_ns)
            state[ti].level_unsorted[level] = true;
        spans.push_back(s);
    }

    CallKind intern(u32 nr, std::string& error) {
        for (std::size_t k = 0; k < m->call_nrs_.size(); k++)
            if (m->call_nrs_[k] == nr) return CallKind(k);
        if (m->call_nrs_.size() >= kNoCall) {
            error = "the trace names more than 255 distinct hypercall numbers";
            return kNoCall;
        }
        m->call_nrs_.push_back(nr);
        return CallKind(m->call_nrs_.size() - 1);
    }

    void close_span(u32 ti, OpenCall& c, std::size_t depth) {
        for (u32 r : c.rows)
            if (c.span.flags & kSpanOpen) {
                m->rows_[r].flags |= kRowInCall;
            } else {
                set_result(m->rows_[r], c.span.result);
            }
        place(ti, depth, c.span);
    }
};

TraceModel::Builder::Builder(u64 base_ns) : impl_(std::make_unique<Impl>(base_ns)) {}
TraceModel::Builder::~Builder() = default;

bool TraceModel::Builder::add(const RecordHeader& r) {
    Impl& b = *impl_;
    TraceModel& m = *b.m;
    if (m.rows_.size() >= kNoRecord) {
        error_ = "the trace has more than 4294967294 records, more than the workbench indexes";
        return false;
    }
    const u32 index = u32(m.rows_.size());
    u64 t = 0;
    if (r.time_ns < b.base_ns) {
        m.clamped_times_++;
    } else {
        t = std::min(r.time_ns - b.base_ns, RecordRow::kTimeMask);
    }
    if (b.any && t < b.last_time) m.time_sorted_ = false;
    if (!b.any) m.begin_ns_ = t;
    m.begin_ns_ = std::min(m.begin_ns_, t);
    m.end_ns_ = std::max(m.end_ns_, t);
    b.last_time = std::max(b.last_time, t);
    b.any = true;

    RecordRow row{};
    row.time_bits = t;
    row.domain = r.domain;
    row.vcpu = r.vcpu;
    row.type = r.type <= 0xFF ? u8(r.type) : 0;
    row.call = kNoCall;
    row.cpu = r.cpu <= 0xFF ? u8(r.cpu) : 0xFF;
    m.rows_.push_back(row);
    RecordRow& stored = m.rows_.back();

    const u32 ti = b.track(r.domain, r.vcpu);
    auto& st = b.state[ti];

    if (auto e = record_as<HypercallEntry>(&r, RecordType::HypercallEntry)) {
        CallKind kind = b.intern(e->nr, error_);
        if (kind == kNoCall) return false;
        if (st.depth == st.stack.size()) st.stack.emplace_back();
        Impl::OpenCall& c = st.stack[st.depth++];
        c.span = Span{};
        c.span.start_ns = t;
        c.span.entry = index;
        c.span.call = kind;
        c.span.flags = r.flags & kHypercallInMulticall ? kSpanMulticall : 0;
        c.nr = e->nr;
        c.rows.assign(1, index);
        stored.call = kind;
        stored.flags = kRowInCall;
        return true;
    }
    if (auto x = record_as<HypercallExit>(&r, RecordType::HypercallExit)) {
        // As traces/stats does: an exit must match the innermost open call.
        CallKind kind = b.intern(x->nr, error_);
        if (kind == kNoCall) return false;
        stored.call = kind;
        stored.flags = kRowInCall;
        if (st.depth == 0 || st.stack[st.depth - 1].nr != x->nr) {
            m.unmatched_exits_++;
            set_result(stored, clamp16(x->result));
            return true;
        }
        Impl::OpenCall& c = st.stack[--st.depth];
        c.span.duration_ns = saturate32(t >= c.span.start_ns ? t - c.span.start_ns : 0);
        c.span.exit_delta = index - c.span.entry;
        c.span.result = clamp16(x->result);
        if (x->result < 0) c.span.flags |= kSpanFailed;
        c.rows.push_back(index);
        b.close_span(ti, c, st.depth);
        return true;
    }
    if (st.depth > 0) {
        // Inside a call on this vCPU: a read for it or an effect of it.
        Impl::OpenCall& c = st.stack[st.depth - 1];
        stored.call = c.span.call;
        stored.flags = kRowInCall;
        c.rows.push_back(index);
    }
    if (r.type != u16(RecordType::HypercallRead) || st.depth == 0) {
        Instant in{};
        in.time_ns = t;
        in.record = index;
        in.type = stored.type;
        m.tracks_[ti].instants.push_back(in);
    }
    return true;
}

void TraceModel::Builder::reserve(u64 records) {
    impl_->m->rows_.reserve(std::min<u64>(records, kNoRecord));
}

std::unique_ptr<TraceModel> TraceModel::Builder::finish() {
    Impl& b = *impl_;
    TraceModel& m = *b.m;
    for (u32 ti = 0; ti < m.tracks_.size(); ti++) {
        auto& st = b.state[ti];
        // Calls still open when recording stopped run to the end of the trace.
        for (std::size_t d = 0; d < st.depth; d++) {
            Impl::OpenCall& c = st.stack[d];
            c.span.flags |= kSpanOpen;
            c.span.duration_ns = saturate32(m.end_ns_ - c.span.start_ns);
            m.open_calls_++;
            b.close_span(ti, c, d);
        }
        st.depth = 0;
        Track& t = m.tracks_[ti];
        for (std::size_t l = 0; l < t.levels.size(); l++) {
            auto& spans = t.levels[l].spans;
            if (st.level_unsorted[l])
                std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& c) {
                    return a.start_ns < c.start_ns;
                });
            t.levels[l].index.build(spans.size(),
                                    [&](std::size_t i) -> const Span& { return spans[i]; });
        }
        if (!std::is_sorted(
                t.instants.begin(), t.instants.end(),
                [](const Instant& a, const Instant& c) { return a.time_ns < c.time_ns; }))
            std::stable_sort(
                t.instants.begin(), t.instants.end(),
                [](const Instant& a, const Instant& c) { return a.time_ns < c.time_ns; });
        t.instant_times.build(t.instants.size(),
                              [&](std::size_t i) { return t.instants[i].time_ns; });
    }
    std::sort(m.tracks_.begin(), m.tracks_.end(), [](const Track& a, const Track& c) {
        return std::pair{a.domain, a.vcpu} < std::pair{c.domain, c.vcpu};
    });
    for (const Track& t : m.tracks_)
        if (m.domains_.empty() || m.domains_.back() != t.domain) m.domains_.push_back(t.domain);
    if (!m.time_sorted_) {
        m.clock_.resize(m.rows_.size());
        u64 run = 0;
        for (std::size_t i = 0; i < m.rows_.size(); i++)
            m.clock_[i] = run = std::max(run, m.rows_[i].time_ns());
    }
    m.rows_.shrink_to_fit();
    return std::move(b.m);
}

LoadedTrace load_trace_model(const std::string& path,
                             const std::function<void(const LoadProgress&)>& progress) {
    LoadedTrace out;
    std::string err;
    auto source = open_file_source(path, err);
    if (!source) {
        out.error = err;
        return out;
    }
    Reader reader(std::move(source));
    if (Status s = reader.open(); !s) {
        out.error = path + ": " + s.error().to_string();
        return out;
    }
    if (reader.damage()) out.warning = path + ": " + reader.damage()->to_string();
    TraceModel::Builder builder(reader.header().time_base_ns);
    builder.reserve(reader.record_count());
    LoadProgress p{0, reader.record_count()};
    Cursor cursor(reader);
    while (const RecordHeader* r = cursor.next()) {
        if (!builder.add(*r)) {
            out.warning = path + ": stopped at record " + std::to_string(cursor.index()) + ": " +
                          builder.error();
            break;
        }
        if (++p.records_done % kProgressEvery == 0 && progress) progress(p);
    }
    if (!cursor.status() && out.warning.empty())
        out.warning = path + ": " + cursor.status().error().to_string();
    if (progress) progress(p);
    out.model = builder.finish();
    return out;
}

} // namespace glass::tv
