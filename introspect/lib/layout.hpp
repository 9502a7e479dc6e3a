// The hypervisor's structure layouts, as its introspection root describes
// them ("Domain.nr_pages" -> offset, size), so the host reads fields by name
// and never by the compiled C++ layout.
#pragma once

#include "introspect/lib/outcome.hpp"

#include "hv/introspect/format.hpp"

#include <map>
#include <string>
#include <vector>

namespace glass {

struct Field {
    u32 offset = 0;
    u32 size = 0;
};

class Layout {
  public:
    Layout() = default;
    // Checks that every name the library uses is present.
    static Outcome<Layout> from(const introspect_abi::FieldDesc* fields, unsigned count);

    // A field the library requires (checked in from()).
    Field operator[](const std::string& name) const;
    // An enum's value name ("DomainState", 1 -> "running"), or the number.
    std::string enum_name(const std::string& type, u64 value) const;
    // An enum's value by name, or ~0 when unknown.
    u64 enum_value(const std::string& type, const std::string& name) const;
    u64 constant(const std::string& name) const { return (*this)["const." + name].offset; }

  private:
    std::map<std::string, Field> fields_;
};

} // namespace glass
