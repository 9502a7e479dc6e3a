#include "hv/core/elf/xen_notes.hpp"

#include "hv/abi/elfnote.hpp"
#include "hv/core/elf/note_reader.hpp"
#include "hv/lib/string.hpp"

namespace {

// Names the FEATURES parser recognises (libelf's table, pv-abi §1.3).
struct FeatureName {
    const char* name;
    unsigned bit;
};
constexpr FeatureName kFeatureNames[] = {
    {"writable_page_tables", xen::XENFEAT_writable_page_tables},
    {"writable_descriptor_tables", xen::XENFEAT_writable_descriptor_tables},
    {"auto_translated_physmap", xen::XENFEAT_auto_translated_physmap},
    {"supervisor_mode_kernel", xen::XENFEAT_supervisor_mode_kernel},
    {"pae_pgdir_above_4gb", xen::XENFEAT_pae_pgdir_above_4gb},
    {"hvm_callback_vector", xen::XENFEAT_hvm_callback_vector},
    {"dom0", xen::XENFEAT_dom0},
};

bool word_equals(const char* word, usize len, const char* name) {
    return strlen(name) == len && memcmp(word, name, len) == 0;
}

// Copies `len` bytes (not NUL-terminated) into a terminated buffer,
// truncating; for quoting file text in refusal messages.
void copy_bounded(char* dst, usize cap, const char* src, usize len) {
    usize n = len < cap - 1 ? len : cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

bool starts_with(const char* s, const char* prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool has_nul(const u8* p, u32 n) {
    for (u32 i = 0; i < n; i++)
        if (p[i] == '\0') return true;
    return false;
}

// Numeric notes: descsz 1, 2, 4 or 8, little-endian; any other size reads
// as 0 (libelf elf_note_numeric).
u64 note_number(const ElfNote& note) {
    switch (note.descsz) {
    case 1:
    case 2:
    case 4:
    case 8: {
        u64 v = 0;
        memcpy(&v, note.desc, note.descsz);
        return v;
    }
    default:
        return 0;
    }
}

LoadStatus note_string(const ElfNote& note, const char* what, char* dst, usize cap) {
    if (!has_nul(note.desc, note.descsz))
        return LoadStatus::fail(XEN_EINVAL,
                                "ELF: Xen note %s (offset 0x%llx) string is not "
                                "NUL-terminated",
                                what, static_cast<unsigned long long>(note.offset));
    copy_string(dst, cap, reinterpret_cast<const char*>(note.desc));
    return {};
}

LoadStatus apply_note(const ElfNote& note, XenNotes& out) {
    using namespace xen;
    switch (note.type) {
    case XEN_ELFNOTE_ENTRY:
        out.entry = {true, note_number(note)};
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        out.hypercall_page = {true, note_number(note)};
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        out.virt_base = {true, note_number(note)};
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        out.paddr_offset = {true, note_number(note)};
        break;
    case XEN_ELFNOTE_INIT_P2M:
        out.init_p2m = {true, note_number(note)};
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        out.mod_start_pfn = note_number(note) != 0;
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES: {
        // A bitmap of 32-bit words; Xen knows one word (XENFEAT_NR_SUBMAPS).
        u32 word = 0;
        if (note.descsz >= sizeof(word)) memcpy(&word, note.desc, sizeof(word));
        out.supported_features_note = {true, word};
        out.features_supported |= word;
        break;
    }
    case XEN_ELFNOTE_XEN_VERSION:
        return note_string(note, "XEN_VERSION", out.xen_version, sizeof(out.xen_version));
    case XEN_ELFNOTE_GUEST_OS:
        return note_string(note, "GUEST_OS", out.guest_os, sizeof(out.guest_os));
    case XEN_ELFNOTE_GUEST_VERSION:
        return note_string(note, "GUEST_VERSION", out.guest_version, sizeof(out.guest_version));
    case XEN_ELFNOTE_LOADER:
        return note_string(note, "LOADER", out.loader, sizeof(out.loader));
    case XEN_ELFNOTE_PAE_MODE:
        return note_string(note, "PAE_MODE", out.pae_mode, sizeof(out.pae_mode));
    case XEN_ELFNOTE_BSD_SYMTAB: {
        char text[8] = {};
        TRY_LOAD(note_string(note, "BSD_SYMTAB", text, sizeof(text)));
        out.bsd_symtab = strcmp(text, "yes") == 0;
        break;
    }
    case XEN_ELFNOTE_FEATURES: {
        // Bounded by descsz, not by a NUL: Linux writes this note with
        // .ascii, so its terminator is only the note's alignment padding
        // (which Xen's libelf reads as the end of the string).
        const char* text = reinterpret_cast<const char*>(note.desc);
        usize len = 0;
        while (len < note.descsz && text[len] != '\0')
            len++;
        TRY_LOAD(parse_xen_features(text, len, out.features_supported, out.features_required));
        break;
    }
    default:
        // INFO, HV_START_LOW, L1_MFN_VALID, SUSPEND_CANCEL, PHYS32_*: not
        // used by a pv64 builder; unknown types are ignored like Xen does.
        break;
    }
    return {};
}

// Reads every note of one region, applying those named "Xen".
LoadStatus scan_region(const u8* base, u64 len, u64 align, const char* kind, unsigned index,
                       XenNotes& out, unsigned& found) {
    NoteReader reader(base, len, align, kind, index);
    for (;;) {
        ElfNote note;
        bool have = false;
        TRY_LOAD(reader.next(note, have));
        if (!have) return {};
        if (!note.name_is("Xen")) continue;
        TRY_LOAD(apply_note(note, out));
        found++;
    }
}

} // namespace

LoadStatus parse_xen_features(const char* text, usize len, u32& supported, u32& required) {
    usize pos = 0;
    while (pos < len) {
        usize end = pos;
        while (end < len && text[end] != '|')
            end++;
        const char* word = text + pos;
        usize wlen = end - pos;
        bool must = wlen > 0 && word[0] == '!';
        if (must) {
            word++;
            wlen--;
        }
        bool known = false;
        for (const FeatureName& f : kFeatureNames) {
            if (!word_equals(word, wlen, f.name)) continue;
            supported |= 1u << f.bit;
            if (must) required |= 1u << f.bit;
            known = true;
            break;
        }
        if (must && !known) {
            char shown[64];
            copy_bounded(shown, sizeof(shown), word, wlen);
            return LoadStatus::fail(XEN_EINVAL, "ELF: FEATURES note requires unknown feature '%s'",
                                    shown);
        }
        pos = end + 1;
    }
    return {};
}

LoadStatus read_xen_notes(const ElfImage& image, XenNotes& out) {
    out = XenNotes{};
    unsigned found = 0;
    for (unsigned i = 0; i < image.phdr_count(); i++) {
        elf::Phdr ph = image.phdr(i);
        // Some binutils versions leave p_offset 0 on note segments (libelf).
        if (ph.p_type != elf::PT_NOTE || ph.p_offset == 0) continue;
        TRY_LOAD(scan_region(image.data() + ph.p_offset, ph.p_filesz, ph.p_align, "program header",
                             i, out, found));
    }
    if (found == 0) {
        for (unsigned i = 1; i < image.shdr_count(); i++) {
            elf::Shdr sh = image.shdr(i);
            if (sh.sh_type != elf::SHT_NOTE) continue;
            TRY_LOAD(scan_region(image.data() + sh.sh_offset, sh.sh_size, sh.sh_addralign,
                                 "section", i, out, found));
        }
        out.from_sections = found != 0;
    }
    if (found == 0) {
        for (unsigned i = 1; i < image.shdr_count(); i++) {
            if (image.section_name_is(image.shdr(i), "__xen_guest"))
                return LoadStatus::fail(XEN_ENOEXEC,
                                        "ELF: legacy __xen_guest section is not supported (need "
                                        "Xen ELF notes)");
        }
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: no Xen ELF notes (not a PV kernel)");
    }
    out.count = found;
    return {};
}

LoadStatus check_xen_notes(const XenNotes& notes, bool is_hardware_domain) {
    if (!starts_with(notes.loader, "generic") && !starts_with(notes.guest_os, "linux"))
        return LoadStatus::fail(
            XEN_EINVAL,
            "ELF: only images for the generic loader or Linux are loaded (LOADER "
            "'%s', GUEST_OS '%s')",
            notes.loader, notes.guest_os);
    if (!starts_with(notes.xen_version, "xen-3.0"))
        return LoadStatus::fail(XEN_EINVAL, "ELF: XEN_VERSION '%s' is not xen-3.0",
                                notes.xen_version);
    if (notes.features_required & (1u << xen::XENFEAT_supervisor_mode_kernel))
        return LoadStatus::fail(XEN_EINVAL,
                                "ELF: kernel requires unsupported feature supervisor_mode_kernel");
    if (is_hardware_domain && notes.supported_features_note.present &&
        !(notes.features_supported & (1u << xen::XENFEAT_dom0)))
        return LoadStatus::fail(XEN_EINVAL,
                                "ELF: SUPPORTED_FEATURES lacks XENFEAT_dom0 (kernel cannot run as "
                                "the hardware domain)");
    return {};
}
