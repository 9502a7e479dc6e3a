// Names for record types and hypercall numbers, shared by every text output
// (dump, stats, Perfetto export) so they spell things the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "traces/record.hpp"

namespace glass::trace {

// "hypercall-entry", ...; "type-N" for unknown types.
std::string record_type_name(std::uint16_t type);
// Accepts a name record_type_name gives, or a number.
std::optional<std::uint16_t> parse_record_type(std::string_view s);
// Every known type name, comma separated (for error messages).
std::string record_type_names();

// "mmu_update", ...; "hypercall-N" for numbers without a name.
std::string hypercall_name(std::uint32_t nr);

// One line describing the record's payload (without the common header).
std::string describe_payload(const RecordHeader& r);

} // namespace glass::trace
