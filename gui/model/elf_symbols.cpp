#include "gui/model/elf_symbols.hpp"

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <sstream>

namespace glass::gui {

SymbolTable SymbolTable::from(std::vector<Symbol> symbols) {
    SymbolTable t;
    t.symbols_ = std::move(symbols);
    std::sort(t.symbols_.begin(), t.symbols_.end(),
              [](const Symbol& a, const Symbol& b) { return a.addr < b.addr; });
    return t;
}

Outcome<SymbolTable> SymbolTable::load(const std::string& path) {
    using R = Outcome<SymbolTable>;
    std::ifstream f(path, std::ios::binary);
    if (!f) return R::failure("cannot read " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string img = ss.str();
    auto at = [&](u64 off, u64 len) -> const char* {
        return off <= img.size() && len <= img.size() - off ? img.data() + off : nullptr;
    };
    Elf64_Ehdr eh;
    if (!at(0, sizeof eh)) return R::failure(path + ": too short for an ELF header");
    std::memcpy(&eh, img.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
        return R::failure(path + ": not an ELF64 file");
    if (eh.e_shentsize != sizeof(Elf64_Shdr)) return R::failure(path + ": odd section headers");
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    const char* shp = at(eh.e_shoff, u64(eh.e_shnum) * sizeof(Elf64_Shdr));
    if (!shp) return R::failure(path + ": section headers past the end");
    std::memcpy(sh.data(), shp, sh.size() * sizeof(Elf64_Shdr));
    std::vector<Symbol> out;
    for (const Elf64_Shdr& s : sh) {
        if (s.sh_type != SHT_SYMTAB || s.sh_link >= sh.size()) continue;
        const Elf64_Shdr& strs = sh[s.sh_link];
        const char* syms = at(s.sh_offset, s.sh_size);
        const char* names = at(strs.sh_offset, strs.sh_size);
        if (!syms || !names) return R::failure(path + ": symbol table past the end");
        for (u64 off = 0; off + sizeof(Elf64_Sym) <= s.sh_size; off += sizeof(Elf64_Sym)) {
            Elf64_Sym sym;
            std::memcpy(&sym, syms + off, sizeof sym);
            unsigned type = ELF64_ST_TYPE(sym.st_info);
            if ((type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) || !sym.st_value ||
                sym.st_shndx == SHN_UNDEF || sym.st_name >= strs.sh_size)
                continue;
            const char* n = names + sym.st_name;
            size_t len = strnlen(n, strs.sh_size - sym.st_name);
            if (!len || n[0] == '.' || n[0] == '$') continue;
            out.push_back({sym.st_value, sym.st_size, std::string(n, len)});
        }
    }
    if (out.empty()) return R::failure(path + ": no symbols (stripped?)");
    return from(std::move(out));
}

const Symbol* SymbolTable::find(u64 addr) const {
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                               [](u64 a, const Symbol& s) { return a < s.addr; });
    // Walk back over symbols starting at or below addr: a sized one must
    // contain it; an unsized one (asm labels) names what follows it.
    while (it != symbols_.begin()) {
        --it;
        if (it->size ? addr < it->addr + it->size : addr - it->addr < 0x10000) return &*it;
        if (it->size) return nullptr;
    }
    return nullptr;
}

std::string SymbolTable::describe(u64 addr) const {
    const Symbol* s = find(addr);
    if (!s) return "";
    if (addr == s->addr) return s->name;
    char off[24];
    std::snprintf(off, sizeof off, "+%#llx", static_cast<unsigned long long>(addr - s->addr));
    return s->name + off;
}

const Symbol* SymbolTable::by_name(const std::string& name) const {
    for (const Symbol& s : symbols_)
        if (s.name == name) return &s;
    return nullptr;
}

} // namespace glass::gui
