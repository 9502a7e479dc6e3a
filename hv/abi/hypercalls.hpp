// Hypercall numbers of the Xen PV ABI (xen/include/public/xen.h, §3.1 of
// docs/pv-abi.md). pv64 guests put the number in rax and execute SYSCALL from
// guest kernel mode; the hypercall page (one 32-byte stub per number) does it.
#pragma once

namespace xen {

enum Hypercall : unsigned {
    HC_set_trap_table = 0,
    HC_mmu_update = 1,
    HC_set_gdt = 2,
    HC_stack_switch = 3,
    HC_set_callbacks = 4,
    HC_fpu_taskswitch = 5,
    HC_sched_op_compat = 6,
    HC_platform_op = 7,
    HC_set_debugreg = 8,
    HC_get_debugreg = 9,
    HC_update_descriptor = 10,
    HC_memory_op = 12,
    HC_multicall = 13,
    HC_update_va_mapping = 14,
    HC_set_timer_op = 15,
    HC_event_channel_op_compat = 16,
    HC_xen_version = 17,
    HC_console_io = 18,
    HC_physdev_op_compat = 19,
    HC_grant_table_op = 20,
    HC_vm_assist = 21,
    HC_update_va_mapping_otherdomain = 22,
    HC_iret = 23,
    HC_vcpu_op = 24,
    HC_set_segment_base = 25,
    HC_mmuext_op = 26,
    HC_xsm_op = 27,
    HC_nmi_op = 28,
    HC_sched_op = 29,
    HC_callback_op = 30,
    HC_xenoprof_op = 31,
    HC_event_channel_op = 32,
    HC_physdev_op = 33,
    HC_hvm_op = 34,
    HC_sysctl = 35,
    HC_domctl = 36,
    HC_kexec_op = 37,
    HC_tmem_op = 38,
    HC_argo_op = 39,
    HC_xenpmu_op = 40,
    HC_dm_op = 41,
    HC_hypfs_op = 42,
    HC_arch_0 = 48,
    HC_arch_7 = 55,
};

// The hypercall page has room for 128 stubs of 32 bytes each.
constexpr unsigned kHypercallPageStubs = 128;
constexpr unsigned kHypercallStubSize = 32;

// console_io commands.
constexpr unsigned CONSOLEIO_write = 0;
constexpr unsigned CONSOLEIO_read = 1;

// sched_op commands and shutdown reasons (public/sched.h).
constexpr int SCHEDOP_yield = 0;
constexpr int SCHEDOP_block = 1;
constexpr int SCHEDOP_shutdown = 2;
constexpr int SCHEDOP_poll = 3;
constexpr int SCHEDOP_remote_shutdown = 4;
constexpr int SCHEDOP_shutdown_code = 5;
constexpr int SCHEDOP_watchdog = 6;
constexpr int SCHEDOP_pin_override = 7;

enum ShutdownReason : unsigned {
    SHUTDOWN_poweroff = 0,
    SHUTDOWN_reboot = 1,
    SHUTDOWN_suspend = 2,
    SHUTDOWN_crash = 3,
    SHUTDOWN_watchdog = 4,
    SHUTDOWN_soft_reset = 5,
};

// "poweroff", "reboot", ...; "unknown" for other values (hv/lib/errno.cpp).
const char* shutdown_reason_name(unsigned reason);

// xen_version commands (public/version.h).
constexpr int XENVER_version = 0;
constexpr int XENVER_extraversion = 1;
constexpr int XENVER_compile_info = 2;
constexpr int XENVER_capabilities = 3;
constexpr int XENVER_changeset = 4;
constexpr int XENVER_platform_parameters = 5;
constexpr int XENVER_get_features = 6;
constexpr int XENVER_pagesize = 7;
constexpr int XENVER_guest_handle = 8;
constexpr int XENVER_commandline = 9;
constexpr int XENVER_build_id = 10;

// callback_op (public/callback.h).
constexpr int CALLBACKOP_register = 0;
constexpr int CALLBACKOP_unregister = 1;
constexpr unsigned CALLBACKTYPE_event = 0;
constexpr unsigned CALLBACKTYPE_failsafe = 1;
constexpr unsigned CALLBACKTYPE_syscall = 2;
constexpr unsigned CALLBACKTYPE_sysenter_deprecated = 3;
constexpr unsigned CALLBACKTYPE_nmi = 4;
constexpr unsigned CALLBACKTYPE_sysenter = 5;
constexpr unsigned CALLBACKTYPE_syscall32 = 7;
constexpr unsigned CALLBACKF_mask_events = 1;

// vm_assist (public/xen.h).
constexpr unsigned VMASST_CMD_enable = 0;
constexpr unsigned VMASST_CMD_disable = 1;
constexpr unsigned VMASST_TYPE_4gb_segments = 0;
constexpr unsigned VMASST_TYPE_4gb_segments_notify = 1;
constexpr unsigned VMASST_TYPE_writable_pagetables = 2;
constexpr unsigned VMASST_TYPE_pae_extended_cr3 = 3;
constexpr unsigned VMASST_TYPE_architectural_iopl = 4;
constexpr unsigned VMASST_TYPE_runstate_update_flag = 5;
constexpr unsigned VMASST_TYPE_m2p_strict = 32;

// update_va_mapping flags.
constexpr unsigned long UVMF_NONE = 0;
constexpr unsigned long UVMF_TLB_FLUSH = 1;
constexpr unsigned long UVMF_INVLPG = 2;
constexpr unsigned long UVMF_FLUSHTYPE_MASK = 3;
constexpr unsigned long UVMF_MULTI = 0;
constexpr unsigned long UVMF_LOCAL = 0;
constexpr unsigned long UVMF_ALL = 4;

// set_segment_base (public/arch-x86/xen-x86_64.h).
constexpr unsigned SEGBASE_FS = 0;
constexpr unsigned SEGBASE_GS_USER = 1;
constexpr unsigned SEGBASE_GS_KERNEL = 2;
constexpr unsigned SEGBASE_GS_USER_SEL = 3;

// physdev_op.
constexpr int PHYSDEVOP_set_iopl = 6;

// sysctl.
constexpr unsigned XEN_SYSCTL_INTERFACE_VERSION = 0x16;
constexpr unsigned XEN_SYSCTL_livepatch_op = 27;

} // namespace xen
