// x86-64 disassembly with Capstone, of bytes read from a guest's address
// space; and the guest-virtual reader that feeds it (page by page through
// the domain's own tables, as introspect's walk does).
#pragma once

#include "gui/session/state_source.hpp"

#include <string>
#include <vector>

namespace glass::gui {

struct Instruction {
    u64 va = 0;
    unsigned size = 0;
    std::string bytes; // "48 89 e5"
    std::string text;  // "mov rbp, rsp"
};

class Disassembler {
  public:
    Disassembler();
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;
    bool ok() const { return handle_ != 0; }
    // Up to `max` instructions from bytes at `va`; stops at the first byte
    // that does not decode (shown as "(bad)" with its byte).
    std::vector<Instruction> run(const u8* bytes, size_t len, u64 va, size_t max) const;

  private:
    size_t handle_ = 0; // csh
};

// Reads [va, va+len) of the address space rooted at l4_mfn; returns how
// many bytes from va were readable (stops at the first unmapped page).
size_t read_guest_virtual(const StateSource& src, u64 l4_mfn, u64 va, u8* out, size_t len);

} // namespace glass::gui
