#include "introspect/lib/elf_symbol.hpp"

#include "hv/core/elf/elf64.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace glass {
namespace {

constexpr u32 kShtSymtab = 2;

struct Sym {
    u32 st_name;
    u8 st_info;
    u8 st_other;
    u16 st_shndx;
    u64 st_value;
    u64 st_size;
};
static_assert(sizeof(Sym) == 24);

template <class T>
bool copy_at(const std::vector<char>& f, u64 off, T& out) {
    if (off > f.size() || sizeof(T) > f.size() - off) return false;
    std::memcpy(&out, f.data() + off, sizeof(T));
    return true;
}

} // namespace

Outcome<u64> find_elf_symbol(const std::string& elf_path, const std::string& name) {
    std::ifstream in(elf_path, std::ios::binary);
    if (!in) return Outcome<u64>::failure("cannot read " + elf_path);
    std::vector<char> f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    elf::Ehdr eh{};
    if (!copy_at(f, 0, eh) || std::memcmp(eh.e_ident, elf::kMagic, 4) != 0 ||
        eh.e_ident[elf::EI_CLASS] != elf::ELFCLASS64)
        return Outcome<u64>::failure(elf_path + " is not an ELF64 file");
    for (u16 i = 0; i < eh.e_shnum; i++) {
        elf::Shdr sh{};
        if (!copy_at(f, eh.e_shoff + u64(i) * eh.e_shentsize, sh)) break;
        if (sh.sh_type != kShtSymtab) continue;
        elf::Shdr strtab{};
        if (!copy_at(f, eh.e_shoff + u64(sh.sh_link) * eh.e_shentsize, strtab)) break;
        for (u64 off = 0; off + sizeof(Sym) <= sh.sh_size; off += sizeof(Sym)) {
            Sym s{};
            if (!copy_at(f, sh.sh_offset + off, s)) break;
            u64 at = strtab.sh_offset + s.st_name;
            if (at >= f.size() || s.st_name >= strtab.sh_size) continue;
            if (std::strncmp(f.data() + at, name.c_str(), f.size() - at) == 0) return s.st_value;
        }
    }
    return Outcome<u64>::failure(elf_path + " has no symbol " + name + " (an older hypervisor?)");
}

} // namespace glass
