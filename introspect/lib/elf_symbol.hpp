// Looks a symbol up in an ELF64 file's symbol table (.symtab), e.g. the
// introspection root in hv.elf.
#pragma once

#include "introspect/lib/outcome.hpp"

#include "hv/lib/types.hpp"

#include <string>

namespace glass {

// The symbol's value (its link-time virtual address).
Outcome<u64> find_elf_symbol(const std::string& elf_path, const std::string& name);

} // namespace glass
