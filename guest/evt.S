/* The event callback (CALLBACKTYPE_event, docs/pv-abi.md §5.3, §5.4). The
 * hypervisor enters it with evtchn_upcall_mask = 1 on the interrupted stack
 * with rcx, r11, rip, cs, rflags, rsp, ss. We save every register (the
 * interrupted code may be anywhere), scan in C, and return through the iret
 * hypercall, whose rflags.IF (= !mask before delivery) re-enables events. */

#include "guest/arch/x86_64/save_regs.inc"
#include "guest/arch/x86_64/pv_iret.inc"

    .text
    .code64
    .globl guest_event_entry
    .type guest_event_entry, @function
guest_event_entry:
    pop %rcx
    pop %r11
    save_regs
    /* 5 frame qwords + 15 registers from a 16-byte aligned start: aligned. */
    call guest_event_dispatch
    restore_regs
    pv_iret
    .size guest_event_entry, . - guest_event_entry
