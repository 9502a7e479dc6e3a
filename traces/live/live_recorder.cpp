#include "traces/live/live_recorder.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "gdbstub/client/client.hpp"
#include "introspect/lib/target.hpp"

namespace glass::trace {

namespace {

using ::trace::ring_load;
using ::trace::ring_store;

std::uint64_t load64(const std::uint64_t& w) {
    return __atomic_load_n(&w, __ATOMIC_ACQUIRE);
}
std::uint32_t load32(const std::uint32_t& w) {
    return __atomic_load_n(&w, __ATOMIC_ACQUIRE);
}

Status fail(const std::string& what) {
    return Status::fail(0, what);
}

} // namespace

std::unique_ptr<LiveRecorder> LiveRecorder::attach(const std::string& mem_path,
                                                   const std::string& hv_elf, std::string& error) {
    auto target = Target::open(mem_path, hv_elf);
    if (!target.ok()) {
        error = target.error();
        return nullptr;
    }
    const introspect_abi::Root& root = target->root();
    std::uint64_t ctl_phys = 0, ctl_size = 0;
    for (unsigned i = 0; i < root.nr_fields && i < introspect_abi::kMaxFields; i++) {
        if (std::strncmp(root.fields[i].name, "phys.TraceControl", introspect_abi::kFieldNameLen))
            continue;
        ctl_phys = root.fields[i].offset;
        ctl_size = root.fields[i].size;
    }
    if (!ctl_phys) {
        error = mem_path + ": the hypervisor publishes no trace rings (no phys.TraceControl in "
                           "its layout table: built before the recorder?)";
        return nullptr;
    }
    if (ctl_size != sizeof(::trace::TraceControl)) {
        error = "phys.TraceControl is " + std::to_string(ctl_size) + " bytes, expected " +
                std::to_string(sizeof(::trace::TraceControl)) + " (another control version)";
        return nullptr;
    }
    int fd = ::open(mem_path.c_str(), O_RDWR);
    if (fd < 0) {
        error = mem_path + ": " + std::strerror(errno) +
                " (recording needs write access: the "
                "host advances the ring positions)";
        return nullptr;
    }
    struct stat st {};
    ::fstat(fd, &st);
    void* p = ::mmap(nullptr, std::uint64_t(st.st_size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        error = mem_path + ": mmap: " + std::strerror(errno);
        return nullptr;
    }
    std::unique_ptr<LiveRecorder> r(new LiveRecorder);
    r->base_ = static_cast<std::uint8_t*>(p);
    r->size_ = std::uint64_t(st.st_size);
    r->low_size_ = target->memory().low_size();
    auto at = [&](std::uint64_t pa, std::uint64_t len) -> std::uint8_t* {
        std::uint64_t off;
        if (pa < r->low_size_ && len <= r->low_size_ - pa)
            off = pa;
        else if (pa >= MachineMemory::kHighBase)
            off = r->low_size_ + (pa - MachineMemory::kHighBase);
        else
            return nullptr;
        if (off > r->size_ || len > r->size_ - off) return nullptr;
        return r->base_ + off;
    };
    r->ctl_ = reinterpret_cast<::trace::TraceControl*>(at(ctl_phys, ctl_size));
    if (!r->ctl_ || load64(r->ctl_->magic) != ::trace::kControlMagic) {
        error = "trace control at machine address " + std::to_string(ctl_phys) +
                " is not filled in yet (hypervisor still booting?)";
        return nullptr;
    }
    unsigned n = std::min<unsigned>(r->ctl_->nr_rings, ::trace::kMaxRings);
    for (unsigned i = 0; i < n; i++) {
        ::trace::RingControl& rc = r->ctl_->rings[i];
        const std::uint8_t* data = at(rc.data_phys, rc.size);
        if (!data) {
            error = "ring of CPU " + std::to_string(i) + " at machine address " +
                    std::to_string(rc.data_phys) + " (" + std::to_string(rc.size) +
                    " bytes) is outside the RAM file";
            return nullptr;
        }
        r->readers_.emplace_back(&rc, data);
    }
    r->epoch_ = load32(r->ctl_->epoch);
    return r;
}

LiveRecorder::~LiveRecorder() {
    if (base_) ::munmap(base_, size_);
}

std::uint64_t LiveRecorder::total_lost() const {
    std::uint64_t n = 0;
    for (unsigned i = 0; i < readers_.size(); i++)
        n += load64(ctl_->rings[i].lost);
    return n;
}

std::uint64_t LiveRecorder::start_time_ns() const {
    return load64(ctl_->start_time_ns);
}

bool LiveRecorder::use_control_port(const std::string& endpoint, std::string& error) {
    auto at = gdb::client::parse_endpoint(endpoint);
    if (!at) {
        error = "--control " + endpoint + ": " + gdb::client::describe(at.error());
        return false;
    }
    control_ = endpoint;
    return true;
}

bool LiveRecorder::request_control(::trace::Command cmd, const ::trace::Filters& f,
                                   double timeout_s, std::int64_t& result, std::string& error) {
    // The packet is answered only after the hypervisor wrote the snapshot,
    // which needs us draining: the request goes from a thread.
    std::string failure;
    bool done = false, refused_busy = false;
    std::thread t([&] {
        gdb::client::ClientOptions o;
        o.timeout = std::chrono::milliseconds(std::int64_t(timeout_s * 1000));
        auto c = gdb::client::Client::connect(*gdb::client::parse_endpoint(control_), o);
        if (!c) {
            failure = gdb::client::describe(c.error());
        } else {
            gdb::TraceFilters gf;
            gf.domain_mask = f.domain_mask;
            gf.hypercall_mask = f.hypercall_mask;
            gf.type_mask = f.type_mask;
            gf.checkpoint_interval = f.checkpoint_interval;
            auto s = cmd == ::trace::Command::Start  ? c->trace_start(gf)
                     : cmd == ::trace::Command::Stop ? c->trace_stop()
                                                     : c->trace_filter(gf);
            if (!s) {
                failure = gdb::client::describe(s.error());
                refused_busy = s.error().kind == gdb::client::ErrorKind::ErrorReply &&
                               s.error().code == static_cast<u8>(gdb::Error::Busy);
            }
        }
        __atomic_store_n(&done, true, __ATOMIC_RELEASE);
    });
    while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        if (cmd == ::trace::Command::Start) {
            skip_to_epoch();
            (void)drain_pass(nullptr, false);
        }
    }
    t.join();
    if (refused_busy) {
        result = -16;
        return true;
    }
    if (!failure.empty()) {
        error = "control port " + control_ + ": " + failure;
        return false;
    }
    result = 0;
    return true;
}

bool LiveRecorder::request(::trace::Command cmd, const ::trace::Filters& f, double timeout_s,
                           std::int64_t& result, std::string& error) {
    if (!control_.empty()) return request_control(cmd, f, timeout_s, result, error);
    ::trace::TraceControl& c = *ctl_;
    std::uint64_t seq = load64(c.ack_seq) + 1;
    c.request.cmd = cmd;
    c.request.filters = f;
    // Release: the hypervisor that sees the new sequence number sees the request.
    __atomic_store_n(&c.request_seq, seq, __ATOMIC_RELEASE);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (load64(c.ack_seq) != seq) {
        if (std::chrono::steady_clock::now() > deadline) {
            error = "the hypervisor did not answer the trace request within " +
                    std::to_string(timeout_s) + " s (is it running?)";
            return false;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        // Keep draining: a Start waits for us to make room for its snapshot.
        if (cmd == ::trace::Command::Start) {
            skip_to_epoch();
            (void)drain_pass(nullptr, false); // held until the Writer exists
        }
    }
    result = load64(reinterpret_cast<const std::uint64_t&>(c.ack_result));
    return true;
}

void LiveRecorder::skip_to_epoch() {
    std::uint32_t e = load32(ctl_->epoch);
    if (e == epoch_) return;
    epoch_ = e;
    // A new recording: whatever an earlier one left in the rings is not ours.
    for (unsigned i = 0; i < readers_.size(); i++)
        readers_[i].skip_to(load64(ctl_->rings[i].epoch_start));
}

bool LiveRecorder::start(const ::trace::Filters& filters, bool join, double timeout_s,
                         std::string& error) {
    auto state = static_cast<::trace::State>(load32(ctl_->state));
    if (join) {
        // Attached before the hypervisor got to trace_boot_start: wait.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
        while ((state = static_cast<::trace::State>(load32(ctl_->state))) == ::trace::State::Off) {
            if (std::chrono::steady_clock::now() > deadline) {
                error = "no recording to join within " + std::to_string(timeout_s) +
                        " s (was the hypervisor booted with trace=on?)";
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        // trace=on at boot: the snapshot is at each ring's epoch start (the
        // hypervisor may still be writing it, waiting for us to drain).
        for (unsigned i = 0; i < readers_.size(); i++)
            readers_[i].skip_to(load64(ctl_->rings[i].epoch_start));
        epoch_ = load32(ctl_->epoch);
        lost_base_ = 0; // boot-time recording: every loss since it started counts
        return true;
    }
    if (state != ::trace::State::Off) {
        std::int64_t ignored = 0;
        if (!request(::trace::Command::Stop, filters, timeout_s, ignored, error)) return false;
    }
    lost_base_ = total_lost();
    // Drop anything left from before, then ask.
    for (auto& r : readers_)
        (void)r.drain([](const RecordHeader&) {});
    std::int64_t rc = 0;
    if (!request(::trace::Command::Start, filters, timeout_s, rc, error)) return false;
    if (rc != 0) {
        error =
            "the hypervisor refused to start recording: " +
            std::string(rc == -16 ? "EBUSY (already starting, or no room for the snapshot in time)"
                        : rc == -12 ? "ENOMEM (a CPU has no ring: trace_buf too large for memory)"
                                    : "error " + std::to_string(rc));
        return false;
    }
    return true;
}

bool LiveRecorder::stopped_by_hypervisor() const {
    return !requested_stop_ &&
           static_cast<::trace::State>(load32(ctl_->state)) == ::trace::State::Off;
}

Status LiveRecorder::poll(Writer& w) {
    skip_to_epoch();
    return drain_pass(&w, false);
}

Status LiveRecorder::drain_pass(Writer* w, bool final) {
    std::uint64_t pass_newest = 0;
    for (auto& r : readers_) {
        DrainResult d = r.drain([&](const RecordHeader& h) {
            // Copied once into one arena (no allocation per record): the
            // ring space is given back as soon as this pass ends.
            const auto* p = reinterpret_cast<const std::uint8_t*>(&h);
            held_.push_back({h.time_ns, order_++, arena_.size()});
            arena_.insert(arena_.end(), p, p + h.size);
            if (auto* lr = record_as<LostRecords>(&h, RecordType::LostRecords))
                stats_.lost_in_stream += lr->count;
            pass_newest = std::max(pass_newest, h.time_ns);
        });
        stats_.bytes += d.bytes;
        if (d.broken) stats_.ring_errors.push_back(d.error);
    }
    stats_.lost = total_lost() - lost_base_;
    Status s = w ? write_held(*w, watermark_, final) : Status{};
    newest_ = std::max(newest_, pass_newest);
    watermark_ = newest_;
    return s;
}

Status LiveRecorder::write_held(Writer& w, std::uint64_t up_to, bool all) {
    std::sort(held_.begin(), held_.end(), [](const Held& a, const Held& b) {
        return a.time != b.time ? a.time < b.time : a.order < b.order;
    });
    std::size_t n = 0;
    for (; n < held_.size(); n++) {
        const Held& h = held_[n];
        if (!all && h.time > up_to) break;
        const auto& rec = *reinterpret_cast<const RecordHeader*>(arena_.data() + h.offset);
        Status s = is_snapshot_type(rec.type) ? w.add_snapshot(rec) : w.append(rec);
        if (!s) return s;
        stats_.records++;
        if (is_snapshot_type(rec.type)) stats_.snapshot++;
    }
    // Keep what must wait for the next pass, compacted.
    std::vector<std::uint8_t> rest;
    std::vector<Held> kept;
    for (std::size_t i = n; i < held_.size(); i++) {
        const auto* rec = reinterpret_cast<const RecordHeader*>(arena_.data() + held_[i].offset);
        kept.push_back({held_[i].time, held_[i].order, rest.size()});
        rest.insert(rest.end(), arena_.data() + held_[i].offset,
                    arena_.data() + held_[i].offset + rec->size);
    }
    held_.swap(kept);
    arena_.swap(rest);
    return {};
}

Status LiveRecorder::stop(Writer& w, double timeout_s, std::string& error) {
    if (static_cast<::trace::State>(load32(ctl_->state)) != ::trace::State::Off) {
        requested_stop_ = true;
        std::int64_t rc = 0;
        if (!request(::trace::Command::Stop, ctl_->active, timeout_s, rc, error))
            return fail(error);
    }
    // Everything the hypervisor wrote before it stopped is committed now.
    Status s = drain_pass(&w, true);
    if (!s) return s;
    // A loss the hypervisor could not put in the stream (the ring stayed
    // full to the end) still must not be silent: say so in a record.
    if (stats_.lost > stats_.lost_in_stream) {
        LostRecords lr{};
        lr.h.type = static_cast<std::uint16_t>(RecordType::LostRecords);
        lr.h.size = sizeof lr;
        lr.h.domain = kDomainHypervisor;
        lr.h.time_ns = newest_;
        lr.count = stats_.lost - stats_.lost_in_stream;
        lr.first_lost_ns = newest_;
        if (Status a = w.append(lr.h); !a) return a;
        stats_.records++;
        stats_.lost_in_stream = stats_.lost;
    }
    return {};
}

} // namespace glass::trace
