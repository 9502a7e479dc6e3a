// Xen ELF note types (public/elfnote.h, docs/pv-abi.md §1.3). A PV kernel
// describes itself to the domain builder with notes named "Xen".
#pragma once

namespace xen {

enum ElfNoteType : unsigned {
    XEN_ELFNOTE_INFO = 0,
    XEN_ELFNOTE_ENTRY = 1,
    XEN_ELFNOTE_HYPERCALL_PAGE = 2,
    XEN_ELFNOTE_VIRT_BASE = 3,
    XEN_ELFNOTE_PADDR_OFFSET = 4,
    XEN_ELFNOTE_XEN_VERSION = 5,
    XEN_ELFNOTE_GUEST_OS = 6,
    XEN_ELFNOTE_GUEST_VERSION = 7,
    XEN_ELFNOTE_LOADER = 8,
    XEN_ELFNOTE_PAE_MODE = 9,
    XEN_ELFNOTE_FEATURES = 10,
    XEN_ELFNOTE_BSD_SYMTAB = 11,
    XEN_ELFNOTE_HV_START_LOW = 12,
    XEN_ELFNOTE_L1_MFN_VALID = 13,
    XEN_ELFNOTE_SUSPEND_CANCEL = 14,
    XEN_ELFNOTE_INIT_P2M = 15,
    XEN_ELFNOTE_MOD_START_PFN = 16,
    XEN_ELFNOTE_SUPPORTED_FEATURES = 17,
    XEN_ELFNOTE_PHYS32_ENTRY = 18,
    XEN_ELFNOTE_PHYS32_RELOC = 19,
    XEN_ELFNOTE_MAX = XEN_ELFNOTE_PHYS32_RELOC,
};

// XENFEAT_* bit numbers the FEATURES note may name.
enum XenFeature : unsigned {
    XENFEAT_writable_page_tables = 0,
    XENFEAT_writable_descriptor_tables = 1,
    XENFEAT_auto_translated_physmap = 2,
    XENFEAT_supervisor_mode_kernel = 3,
    XENFEAT_pae_pgdir_above_4gb = 4,
    XENFEAT_mmu_pt_update_preserve_ad = 5,
    XENFEAT_highmem_assist = 6,
    XENFEAT_gnttab_map_avail_bits = 7,
    XENFEAT_hvm_callback_vector = 8,
    XENFEAT_dom0 = 11,
};

} // namespace xen
