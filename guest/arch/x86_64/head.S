/* Entry point, Xen ELF notes, hypercall page and boot stack of the
 * Glasshouse PV guest kernel (docs/pv-abi.md §1.3, §1.7, §1.10). */

/* Xen ELF note numbers (hv/abi/elfnote.hpp: an assembler can't include it). */
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_GUEST_VERSION 7
#define XEN_ELFNOTE_LOADER 8
#define XEN_ELFNOTE_FEATURES 10

#define KERNEL_MAP 0xffffffff80000000
#define BOOT_STACK_SIZE (16 * 4096)

/* One note named "Xen": 4-byte aligned name and descriptor (§1.2). */
.macro xen_note type, kind, value:vararg
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long .Lname_end\@ - .Lname\@
    .long .Ldesc_end\@ - .Ldesc\@
    .long \type
.Lname\@:
    .asciz "Xen"
.Lname_end\@:
    .balign 4
.Ldesc\@:
    \kind \value
.Ldesc_end\@:
    .balign 4
    .popsection
.endm

    xen_note XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0"
    xen_note XEN_ELFNOTE_GUEST_OS, .asciz, "Glasshouse"
    xen_note XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1"
    /* "generic": we are neither Linux nor expect Linux loader quirks. */
    xen_note XEN_ELFNOTE_LOADER, .asciz, "generic"
    xen_note XEN_ELFNOTE_VIRT_BASE, .quad, KERNEL_MAP
    /* Linked with p_paddr == p_vaddr: subtracting KERNEL_MAP gives the
     * pseudo-physical address, so PFN n sits at KERNEL_MAP + n * 4096. */
    xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad, KERNEL_MAP
    xen_note XEN_ELFNOTE_ENTRY, .quad, guest_entry
    xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
    /* No feature is required: page tables and descriptors are changed only
     * through hypercalls. We only declare that we can run as dom0, which is
     * how the hypervisor's boot tests start us. */
    xen_note XEN_ELFNOTE_FEATURES, .asciz, "dom0"

    .section .text.entry, "ax", @progbits
    .code64
    .globl guest_entry
    .type guest_entry, @function
/* State at entry (§1.7): rsi = start_info VA, rsp = the builder's one-page
 * bootstrap stack, all other GPRs 0, events masked, no trap table. We move
 * to our own larger stack in .bss so the builder's layout doesn't bound how
 * deep kmain may go. */
guest_entry:
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp          /* terminate frame-pointer backtraces */
    mov %rsi, %rdi
    call kmain
    /* kmain never returns; if it does, a #UD with no trap table makes the
     * hypervisor crash the domain rather than run off into the page below. */
    ud2
    .size guest_entry, . - guest_entry

/* The builder overwrites this page with 128 32-byte stubs (§1.10). We fill
 * it with `ret` so kmain can tell whether it was written: a stub whose first
 * byte is still 0xC3 was never replaced. */
    .section .text.hypercall_page, "ax", @progbits
    .balign 4096
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill 4096, 1, 0xc3
    .size hypercall_page, 4096

    .section .bss.boot_stack, "aw", @nobits
    .balign 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
