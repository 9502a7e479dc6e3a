// The "Xen" ELF notes a PV kernel uses to describe itself to the domain
// builder (pv-abi §1.2, §1.3; public/elfnote.h), and the acceptance checks
// Xen applies to them before building a domain.
#pragma once

#include "hv/core/elf/elf_image.hpp"

// A numeric note's value, or absent. (No <optional> in freestanding code.)
struct NoteNumber {
    bool present = false;
    u64 value = 0;
};

struct XenNotes {
    static constexpr usize kStringCap = 32;

    unsigned count = 0;         // Xen notes seen
    bool from_sections = false; // found in SHT_NOTE sections, not PT_NOTE segments

    NoteNumber entry;                   // ENTRY: overrides e_entry
    NoteNumber hypercall_page;          // HYPERCALL_PAGE: VA the builder fills (§1.10)
    NoteNumber virt_base;               // VIRT_BASE: v_start
    NoteNumber paddr_offset;            // PADDR_OFFSET: subtracted from ELF paddrs
    NoteNumber init_p2m;                // INIT_P2M: VA for the p2m list outside the initial mapping
    NoteNumber supported_features_note; // SUPPORTED_FEATURES, as given
    bool mod_start_pfn = false;         // MOD_START_PFN != 0: initrd unmapped, mod_start is a PFN
    bool bsd_symtab = false;            // BSD_SYMTAB == "yes"

    // XENFEAT_* bitmaps (bit n = feature n) from FEATURES and SUPPORTED_FEATURES.
    u32 features_supported = 0;
    u32 features_required = 0;

    // String notes, truncated to fit; the checks only look at prefixes.
    char xen_version[kStringCap] = {};
    char guest_os[kStringCap] = {};
    char guest_version[kStringCap] = {};
    char loader[kStringCap] = {};
    char pae_mode[kStringCap] = {}; // recorded only: discarded for 64-bit images
};

// Parses a FEATURES string ("name|!name|..."; '!' = required) of `len`
// bytes into XENFEAT bitmaps. Unknown plain names are ignored, as Xen does;
// an unknown required name is refused because the kernel cannot run without it.
[[nodiscard]] LoadStatus parse_xen_features(const char* text, usize len, u32& supported,
                                            u32& required);

// Collects the Xen notes: PT_NOTE segments (p_offset != 0) first, SHT_NOTE
// sections only if no segment had one. A legacy __xen_guest section or no
// Xen note at all is refused.
[[nodiscard]] LoadStatus read_xen_notes(const ElfImage& image, XenNotes& out);

// Xen's acceptance rules for the notes (libelf elf_xen_note_check and the
// dom0 builder's feature checks). `is_hardware_domain` enables the
// SUPPORTED_FEATURES/XENFEAT_dom0 requirement.
[[nodiscard]] LoadStatus check_xen_notes(const XenNotes& notes, bool is_hardware_domain);
