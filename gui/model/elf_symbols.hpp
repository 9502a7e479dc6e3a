// Function and object symbols of an ELF64 image (its .symtab), for naming
// addresses in the disassembly: 0xffffffff80102488 -> "kmain+904".
#pragma once

#include "introspect/lib/outcome.hpp"

#include "hv/lib/types.hpp"

#include <string>
#include <vector>

namespace glass::gui {

struct Symbol {
    u64 addr = 0, size = 0;
    std::string name;
};

class SymbolTable {
  public:
    static Outcome<SymbolTable> load(const std::string& elf_path);
    static SymbolTable from(std::vector<Symbol> symbols); // tests
    // The symbol containing `addr` (or the nearest below it when sizes are
    // 0), null when none.
    const Symbol* find(u64 addr) const;
    // "name+0x10", or "" when no symbol covers addr.
    std::string describe(u64 addr) const;
    // Exact name lookup.
    const Symbol* by_name(const std::string& name) const;
    size_t size() const { return symbols_.size(); }

  private:
    std::vector<Symbol> symbols_; // by address
};

} // namespace glass::gui
