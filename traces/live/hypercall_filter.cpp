#include "traces/live/hypercall_filter.hpp"

#include <charconv>

#include "traces/names.hpp"

namespace glass::trace {

namespace {

struct Class {
    const char* name;
    std::uint64_t mask;
};

constexpr std::uint64_t bits(std::initializer_list<unsigned> nrs) {
    std::uint64_t m = 0;
    for (unsigned n : nrs)
        m |= 1ull << n;
    return m;
}

// Numbers from hv/abi/hypercalls.hpp (Xen's).
const Class kClasses[] = {
    {"mm", bits({1, 2, 10, 12, 14, 22, 26})},      // mmu_update, set_gdt, update_descriptor,
                                                   // memory_op, update_va_mapping[_otherdomain],
                                                   // mmuext_op
    {"evtchn", bits({16, 32})},                    // event_channel_op (and its compat number)
    {"grant", bits({20})},                         // grant_table_op
    {"sched", bits({6, 15, 24, 29})},              // sched_op[_compat], set_timer_op, vcpu_op
    {"cpu", bits({0, 3, 4, 5, 8, 9, 23, 25, 30})}, // traps, callbacks, stacks, iret, segments
    {"control", bits({35, 36})},                   // sysctl, domctl
    {"console", bits({18})},                       // console_io
};

} // namespace

std::optional<std::uint64_t> hypercall_filter_item(std::string_view item) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (ec == std::errc() && end == item.data() + item.size())
        return n < 64 ? std::optional<std::uint64_t>(1ull << n) : std::nullopt;
    for (const Class& c : kClasses)
        if (item == c.name) return c.mask;
    for (unsigned nr = 0; nr < 64; nr++)
        if (item == hypercall_name(nr)) return 1ull << nr;
    return std::nullopt;
}

bool parse_hypercall_filter(std::string_view text, std::uint64_t& mask, std::string& error) {
    mask = 0;
    for (;;) {
        std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        auto m = hypercall_filter_item(item);
        if (!m) {
            error = "'" + std::string(item) +
                    "': expected a hypercall number (0..63), name or class: " + hypercall_classes();
            return false;
        }
        mask |= *m;
        if (comma == std::string_view::npos) return true;
        text.remove_prefix(comma + 1);
    }
}

std::string hypercall_classes() {
    std::string out;
    for (const Class& c : kClasses) {
        if (!out.empty()) out += ", ";
        out += c.name;
        out += " (";
        bool first = true;
        for (unsigned nr = 0; nr < 64; nr++) {
            if (!((c.mask >> nr) & 1)) continue;
            if (!first) out += ' ';
            out += hypercall_name(nr);
            first = false;
        }
        out += ")";
    }
    return out;
}

} // namespace glass::trace
