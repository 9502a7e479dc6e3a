#include "gui/model/disassembler.hpp"

#include <capstone/capstone.h>

#include <cstdio>

namespace glass::gui {

Disassembler::Disassembler() {
    csh h = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK) {
        cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
        handle_ = h;
    }
}

Disassembler::~Disassembler() {
    if (handle_) {
        csh h = handle_;
        cs_close(&h);
    }
}

std::vector<Instruction> Disassembler::run(const u8* bytes, size_t len, u64 va, size_t max) const {
    std::vector<Instruction> out;
    if (!handle_) return out;
    cs_insn* insn = cs_malloc(handle_);
    const u8* p = bytes;
    size_t left = len;
    u64 addr = va;
    while (out.size() < max && left) {
        Instruction i;
        i.va = addr;
        if (cs_disasm_iter(handle_, &p, &left, &addr, insn)) {
            i.size = insn->size;
            for (unsigned b = 0; b < insn->size; b++) {
                char h[4];
                std::snprintf(h, sizeof h, b ? " %02x" : "%02x", insn->bytes[b]);
                i.bytes += h;
            }
            i.text = std::string(insn->mnemonic) + (insn->op_str[0] ? " " : "") + insn->op_str;
        } else {
            char h[24];
            std::snprintf(h, sizeof h, "%02x", *p);
            i.size = 1;
            i.bytes = h;
            i.text = "(bad)";
            p++;
            left--;
            addr++;
        }
        out.push_back(std::move(i));
    }
    cs_free(insn, 1);
    return out;
}

size_t read_guest_virtual(const StateSource& src, u64 l4_mfn, u64 va, u8* out, size_t len) {
    size_t done = 0;
    while (done < len) {
        u64 at = va + done;
        auto w = src.walk(l4_mfn, at);
        if (!w.ok() || !w->mapped) break;
        size_t in_page = static_cast<size_t>(4096 - (at & 4095));
        size_t n = std::min(in_page, len - done);
        if (!src.read_machine(w->maddr, out + done, n)) break;
        done += n;
    }
    return done;
}

} // namespace glass::gui
