#include "gui/trace_view/record_details.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "hv/abi/errno.hpp"
#include "traces/names.hpp"

namespace glass::tv {

using namespace glass::trace;

namespace {

std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
    return buf;
}

// mmu_update request types (low two bits of ptr), pv-abi.md.
const char* mmu_cmd(u64 ptr) {
    switch (ptr & 3) {
    case 0:
        return "normal_pt_update";
    case 1:
        return "machphys_update";
    case 2:
        return "pt_update_preserve_ad";
    }
    return "?";
}

// MMUEXT_* (hv/abi/xen.hpp); 14 is unused.
const char* mmuext_cmd(u64 cmd) {
    static const char* const names[] = {
        "pin_l1_table",       "pin_l2_table",  "pin_l3_table",
        "pin_l4_table",       "unpin_table",   "new_baseptr",
        "tlb_flush_local",    "invlpg_local",  "tlb_flush_multi",
        "invlpg_multi",       "tlb_flush_all", "invlpg_all",
        "flush_cache",        "set_ldt",       "?",
        "new_user_baseptr",   "clear_page",    "copy_page",
        "flush_cache_global", "mark_super",    "unmark_super",
    };
    return cmd < std::size(names) ? names[cmd] : "?";
}

// One line per request where the layout is known (mmu_update's {ptr, val},
// mmuext_op's {cmd, arg1, arg2}); else the bytes. Requests are numbered
// across reads: the recorder writes one read per request.
void add_read(CallDetails& call, u32 nr, const HypercallRead& rd) {
    auto data = reinterpret_cast<const u8*>(&rd + 1);
    const u32 bytes = std::min<u32>(rd.bytes, rd.h.size - u32(sizeof rd));
    auto word = [&](u32 off) {
        u64 v;
        std::memcpy(&v, data + off, 8);
        return v;
    };
    constexpr std::size_t kMaxLines = 256;
    if (call.reads.size() >= kMaxLines) {
        if (call.reads.size() == kMaxLines) call.reads.push_back("... (more reads not shown)");
        return;
    }
    if (rd.h.flags & trace::kReadMachineFrame) {
        // Contents of a frame the typing core validated: count its entries.
        u32 present = 0;
        for (u32 off = 0; off + 8 <= bytes; off += 8)
            present += word(off) & 1;
        call.reads.push_back("frame " + hex(rd.guest_va >> 12) +
                             " validated: " + std::to_string(present) + " of " +
                             std::to_string(bytes / 8) + " entries present");
        return;
    }
    if (nr == 1 && bytes % 16 == 0) { // mmu_update: struct mmu_update { ptr, val }
        for (u32 i = 0; i < bytes / 16; i++) {
            const u64 ptr = word(16 * i), val = word(16 * i + 8);
            call.reads.push_back("req " + std::to_string(call.requests++) + ": " + mmu_cmd(ptr) +
                                 " ptr " + hex(ptr & ~u64(3)) + " val " + hex(val));
        }
        return;
    }
    if (nr == 26 && bytes % 24 == 0) { // mmuext_op: { cmd, arg1, arg2 }
        for (u32 i = 0; i < bytes / 24; i++)
            call.reads.push_back("op " + std::to_string(call.requests++) + ": " +
                                 mmuext_cmd(word(24 * i)) + " " + hex(word(24 * i + 8)) + " " +
                                 hex(word(24 * i + 16)));
        return;
    }
    std::string line = std::to_string(rd.bytes) + " bytes at " + hex(rd.guest_va) + ":";
    char b[4];
    for (u32 i = 0; i < bytes && i < 64; i++) {
        std::snprintf(b, sizeof b, " %02x", data[i]);
        line += b;
    }
    if (bytes > 64) line += " ...";
    call.reads.push_back(line);
}

} // namespace

std::string format_duration(u64 ns) {
    char buf[32];
    if (ns < 10'000) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 " ns", ns);
    } else if (ns < 10'000'000) {
        std::snprintf(buf, sizeof buf, "%.3f us", double(ns) / 1e3);
    } else if (ns < 10'000'000'000ull) {
        std::snprintf(buf, sizeof buf, "%.3f ms", double(ns) / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%.3f s", double(ns) / 1e9);
    }
    return buf;
}

std::string format_time(u64 ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%09" PRIu64, u64(ns / 1'000'000'000u),
                  u64(ns % 1'000'000'000u));
    return buf;
}

std::string format_result(std::int64_t result) {
    if (result >= 0) return std::to_string(result);
    std::string s = std::to_string(result);
    if (result >= -255) s += std::string(" (") + xen_errno_name(XenErrno(-result)) + ")";
    return s;
}

std::vector<const char*> hypercall_arg_names(u32 nr) {
    switch (nr) {
    case 1:
        return {"req", "count", "done", "foreigndom"};
    case 2:
        return {"frames", "entries"};
    case 12:
        return {"cmd", "arg"};
    case 13:
        return {"calls", "count"};
    case 14:
        return {"va", "val", "flags"};
    case 15:
        return {"timeout"};
    case 17:
        return {"cmd", "arg"};
    case 18:
        return {"cmd", "count", "buffer"};
    case 20:
        return {"cmd", "uop", "count"};
    case 22:
        return {"va", "val", "flags", "domid"};
    case 23:
        return {};
    case 24:
        return {"cmd", "vcpu", "arg"};
    case 25:
        return {"which", "base"};
    case 26:
        return {"ops", "count", "done", "foreigndom"};
    case 29:
        return {"cmd", "arg"};
    case 32:
        return {"cmd", "arg"};
    case 36:
        return {"op"};
    }
    return {};
}

bool find_call_span(const TraceModel& m, u32 record, SpanRef& out) {
    if (record >= m.record_count()) return false;
    const RecordRow& row = m.row(record);
    if (!(row.flags & kRowInCall)) return false;
    const int ti = m.track_of(row.domain, row.vcpu);
    if (ti < 0) return false;
    const Track& t = m.tracks()[u32(ti)];
    const u64 time = row.time_ns();
    bool found = false;
    for (u32 l = 0; l < t.levels.size(); l++) {
        const auto& spans = t.levels[l].spans;
        // The last span starting at or before the record's time.
        auto it = std::upper_bound(spans.begin(), spans.end(), time,
                                   [](u64 v, const Span& s) { return v < s.start_ns; });
        // Equal start times can hide the right span one or two back.
        for (int back = 0; back < 4 && it != spans.begin(); back++) {
            --it;
            const u32 exit = it->exit();
            if (it->entry <= record && (exit == kNoRecord || record <= exit)) {
                // The innermost call is the one entered last.
                const SpanRef cand{u32(ti), l, u32(it - spans.begin())};
                if (!found || t.levels[out.level].spans[out.index].entry < it->entry) out = cand;
                found = true;
                break;
            }
        }
    }
    return found;
}

RecordDetails describe_record(const TraceModel& m, RecordStore& store, u32 record, u32 max_scan) {
    RecordDetails d;
    d.record = record;
    std::vector<u64> buf;
    if (!store.read(record, buf, d.error)) return d;
    const RecordHeader& h = *header_of(buf);
    const std::string type = record_type_name(h.type);
    d.header = {
        {"record", std::to_string(record)},
        {"time", format_time(record < m.record_count() ? m.row(record).time_ns() : 0) + " s"},
        {"cpu", std::to_string(h.cpu)},
        {"domain", h.domain == kDomainHypervisor ? "hypervisor" : std::to_string(h.domain)},
        {"vcpu", std::to_string(h.vcpu)},
        {"type", type},
        {"size", std::to_string(h.size) + " bytes"},
    };
    d.summary = describe_payload(h);
    d.title = type + " #" + std::to_string(record);

    SpanRef ref;
    if (!find_call_span(m, record, ref)) return d;
    const Span& s = m.tracks()[ref.track].levels[ref.level].spans[ref.index];
    d.in_call = true;
    CallDetails& c = d.call;
    c.entry = s.entry;
    c.exit = s.exit();
    c.open = s.flags & kSpanOpen;
    c.in_multicall = s.flags & kSpanMulticall;
    c.nr = m.call_nr(s.call);
    c.name = hypercall_name(c.nr);
    c.duration_ns = s.duration_ns;
    d.title = c.name + " (" + type + ") #" + std::to_string(record);

    std::vector<u64> entry;
    std::string err;
    if (store.read(s.entry, entry, err)) {
        if (auto e = record_as<HypercallEntry>(header_of(entry), RecordType::HypercallEntry)) {
            auto names = hypercall_arg_names(e->nr);
            const std::size_t shown = names.empty() && c.nr != 23 ? 6 : names.size();
            for (std::size_t i = 0; i < shown; i++)
                c.args.push_back(
                    {i < names.size() ? names[i] : "arg" + std::to_string(i), hex(e->args[i])});
            if (e->subop) c.args.insert(c.args.begin(), {"subop", std::to_string(e->subop)});
        }
    }
    if (c.open) {
        c.result = "still running when the trace ended";
    } else {
        std::vector<u64> exit;
        if (store.read(c.exit, exit, err))
            if (auto x = record_as<HypercallExit>(header_of(exit), RecordType::HypercallExit)) {
                c.result = format_result(x->result);
                c.failed = x->result < 0;
            }
    }

    // Reads and effects: the vCPU's records between entry and exit that belong
    // to this call and not to a call nested in it.
    const RecordRow& er = m.row(s.entry);
    const u64 last = c.open ? std::min<u64>(m.record_count() - 1, u64(s.entry) + max_scan)
                            : std::min<u64>(c.exit, u64(s.entry) + max_scan);
    int nested = 0;
    for (u64 i = u64(s.entry) + 1; i < last; i++) {
        const RecordRow& r = m.row(u32(i));
        if (r.domain != er.domain || r.vcpu != er.vcpu) continue;
        const auto ty = static_cast<RecordType>(r.type);
        if (ty == RecordType::HypercallEntry) nested++;
        if (ty == RecordType::HypercallExit && nested > 0) nested--;
        if (ty == RecordType::HypercallEntry || ty == RecordType::HypercallExit || nested > 0)
            continue;
        std::vector<u64> rb;
        if (!store.read(i, rb, err)) break;
        const RecordHeader* rh = header_of(rb);
        if (auto rd = record_as<HypercallRead>(rh, RecordType::HypercallRead)) {
            add_read(c, c.nr, *rd);
        } else {
            c.effects.push_back({u32(i), record_type_name(rh->type), describe_payload(*rh)});
        }
    }
    return d;
}

} // namespace glass::tv
