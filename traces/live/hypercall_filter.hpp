// Names for the recorder's hypercall filter (a 64-bit mask, bit n =
// hypercall number n): numbers, hypercall names as `glass trace` prints
// them, and classes of related calls, so `--hypercall mm,evtchn` records the
// memory and event-channel calls and nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace glass::trace {

// The mask for one item ("1", "mmu_update", "mm"), or nothing.
std::optional<std::uint64_t> hypercall_filter_item(std::string_view item);
// Comma-separated items; false and `error` naming the bad item otherwise.
bool parse_hypercall_filter(std::string_view text, std::uint64_t& mask, std::string& error);
// "mm (mmu_update, ...), evtchn (...), ..." for messages and --help.
std::string hypercall_classes();

} // namespace glass::trace
