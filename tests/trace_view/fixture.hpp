// Helpers for the view-model tests: synthetic traces written to real files
// (the model and the record store read files), and hand-made records for
// exact cases.
#pragma once

#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "gui/trace_view/trace_model.hpp"
#include "traces/io.hpp"
#include "traces/synth/synth.hpp"
#include "traces/writer.hpp"

namespace tv_test {

using namespace glass::trace;
using namespace glass::tv;

// A trace file that is removed when the object goes.
struct TempTrace {
    std::string path;
    TempTrace(const TempTrace&) = delete;
    TempTrace& operator=(const TempTrace&) = delete;
    explicit TempTrace(const std::string& name) {
        path = (std::filesystem::temp_directory_path() /
                ("glass_tv_" + std::to_string(::getpid()) + "_" + name + ".trace"))
                   .string();
    }
    ~TempTrace() { std::filesystem::remove(path); }
};

inline void write_synth(const std::string& path, const SynthOptions& so, WriterOptions wo = {}) {
    std::string err;
    auto sink = open_file_sink(path, err);
    if (!sink) throw std::runtime_error(err);
    Writer w(std::move(sink), wo);
    Status s = write_synthetic(w, so);
    if (!s) throw std::runtime_error(s.error().to_string());
}

// Writes `records` (each a whole record) as an uncompressed trace.
inline void write_records(const std::string& path,
                          const std::vector<std::vector<std::uint64_t>>& records,
                          std::uint64_t time_base = 0) {
    std::string err;
    auto sink = open_file_sink(path, err);
    if (!sink) throw std::runtime_error(err);
    WriterOptions wo;
    wo.time_base_ns = time_base;
    wo.records_per_chunk = 16;
    Writer w(std::move(sink), wo);
    for (const auto& r : records)
        if (Status s = w.append(*reinterpret_cast<const RecordHeader*>(r.data())); !s)
            throw std::runtime_error(s.error().to_string());
    if (Status s = w.finish(); !s) throw std::runtime_error(s.error().to_string());
}

template <typename T>
std::vector<std::uint64_t> rec(RecordType type, std::uint16_t dom, std::uint16_t vcpu,
                               std::uint64_t ns, auto&& fill) {
    std::vector<std::uint64_t> words((sizeof(T) + 7) / 8, 0);
    T* r = reinterpret_cast<T*>(words.data());
    r->h.type = static_cast<std::uint16_t>(type);
    r->h.size = std::uint32_t(words.size() * 8);
    r->h.domain = dom;
    r->h.vcpu = vcpu;
    r->h.time_ns = ns;
    fill(*r);
    return words;
}

inline std::vector<std::uint64_t> entry(std::uint32_t nr, std::uint16_t dom, std::uint16_t vcpu,
                                        std::uint64_t ns, std::uint64_t arg0 = 0) {
    return rec<HypercallEntry>(RecordType::HypercallEntry, dom, vcpu, ns, [&](HypercallEntry& e) {
        e.nr = nr;
        e.args[0] = arg0;
    });
}

inline std::vector<std::uint64_t> exit_(std::uint32_t nr, std::uint16_t dom, std::uint16_t vcpu,
                                        std::uint64_t ns, std::int64_t result = 0) {
    return rec<HypercallExit>(RecordType::HypercallExit, dom, vcpu, ns, [&](HypercallExit& x) {
        x.nr = nr;
        x.result = result;
    });
}

inline std::vector<std::uint64_t> bounce(std::uint16_t dom, std::uint16_t vcpu, std::uint64_t ns) {
    return rec<ExceptionBounce>(RecordType::ExceptionBounce, dom, vcpu, ns,
                                [](ExceptionBounce& b) { b.vector = 14; });
}

inline std::vector<std::uint64_t> page_type(std::uint16_t dom, std::uint16_t vcpu, std::uint64_t ns,
                                            std::uint64_t mfn) {
    return rec<PageTypeChange>(RecordType::PageTypeChange, dom, vcpu, ns, [&](PageTypeChange& p) {
        p.mfn = mfn;
        p.old_type = 7;
        p.new_type = 1;
        p.type_count = 1;
    });
}

// Builds a model straight from records (no file).
inline std::unique_ptr<TraceModel> model_of(const std::vector<std::vector<std::uint64_t>>& records,
                                            std::uint64_t base = 0) {
    TraceModel::Builder b(base);
    for (const auto& r : records)
        if (!b.add(*reinterpret_cast<const RecordHeader*>(r.data())))
            throw std::runtime_error(b.error());
    return b.finish();
}

// A cached synthetic trace model per option set, shared by tests.
struct SynthModel {
    TempTrace file;
    LoadedTrace loaded;
    explicit SynthModel(const std::string& name) : file(name) {}
    const TraceModel& m() const { return *loaded.model; }
};

inline std::unique_ptr<SynthModel> synth_model(const std::string& name, const SynthOptions& so) {
    auto s = std::make_unique<SynthModel>(name);
    write_synth(s->file.path, so);
    s->loaded = load_trace_model(s->file.path);
    if (!s->loaded.model) throw std::runtime_error(s->loaded.error);
    return s;
}

} // namespace tv_test
