// Entry of the guest kernel booted natively (boot.S, Multiboot 1, ring 0):
// the same process and benchmark code as the PV kernel (guest/proc.cpp,
// guest/bench_report.cpp) on its own GDT/IDT/TSS, page tables, COM1 and
// SYSCALL MSRs. Options on the Multiboot command line: `procs`, `bench`.
// Every line starts with "Glasshouse " like the PV kernel's.
#include "guest/arch/x86_64/native/bench.hpp"
#include "guest/arch/x86_64/native/cpu.hpp"
#include "guest/arch/x86_64/native/layout.h"
#include "guest/arch/x86_64/native/native.hpp"
#include "guest/arch/x86_64/native/paging.hpp"
#include "guest/console.hpp"
#include "guest/proc.hpp"
#include "guest/proc_arch.hpp"
#include "hv/lib/string.hpp"

namespace guest::native {
namespace {

constexpr u32 kMultibootMagic = 0x2badb002;
constexpr u32 kInfoMemory = 1u << 0;
constexpr u32 kInfoCmdline = 1u << 2;

struct MultibootInfo {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

struct Options {
    bool procs = false;
    bool bench = false;
};

template <typename T>
const T* from_phys(u64 pa) {
    return reinterpret_cast<const T*>(pa + KERNEL_MAP); // boot.S maps 0..1 GiB there
}

// The first word is the kernel's name (QEMU passes the -kernel path), as
// on any Multiboot command line.
Options parse(const char* cmdline) {
    Options o;
    const char* p = cmdline;
    while (*p == ' ')
        p++;
    while (*p && *p != ' ')
        p++;
    while (*p) {
        while (*p == ' ')
            p++;
        const char* w = p;
        while (*p && *p != ' ')
            p++;
        usize n = static_cast<usize>(p - w);
        if (!n) continue;
        if (n == 5 && !memcmp(w, "procs", 5))
            o.procs = true;
        else if (n == 5 && !memcmp(w, "bench", 5))
            o.bench = true;
        else {
            char word[64];
            usize len = n < sizeof(word) - 1 ? n : sizeof(word) - 1;
            memcpy(word, w, len);
            word[len] = '\0';
            printk("Glasshouse native: ignoring unknown option '%s'\n", word);
        }
    }
    return o;
}

unsigned current_ring() {
    u16 cs;
    asm volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

// int3 in ring 0 goes through the IDT to proc.cpp's handler and IRETQ
// back: it must resume after the int3 with every register as it was.
u64 g_int3_before[15], g_int3_after[15];

bool int3_returns_intact() {
    for (unsigned i = 0; i < 15; i++)
        g_int3_before[i] = 0x9e57000000000000ull + i * 0x1111;
    asm volatile("push %%rbp\n\t"
                 "mov %c[v]+0, %%rax\n\t"
                 "mov %c[v]+8, %%rbx\n\t"
                 "mov %c[v]+16, %%rcx\n\t"
                 "mov %c[v]+24, %%rdx\n\t"
                 "mov %c[v]+32, %%rsi\n\t"
                 "mov %c[v]+40, %%rdi\n\t"
                 "mov %c[v]+48, %%rbp\n\t"
                 "mov %c[v]+56, %%r8\n\t"
                 "mov %c[v]+64, %%r9\n\t"
                 "mov %c[v]+72, %%r10\n\t"
                 "mov %c[v]+80, %%r11\n\t"
                 "mov %c[v]+88, %%r12\n\t"
                 "mov %c[v]+96, %%r13\n\t"
                 "mov %c[v]+104, %%r14\n\t"
                 "mov %c[v]+112, %%r15\n\t"
                 "int3\n\t"
                 "mov %%rax, %c[a]+0\n\t"
                 "mov %%rbx, %c[a]+8\n\t"
                 "mov %%rcx, %c[a]+16\n\t"
                 "mov %%rdx, %c[a]+24\n\t"
                 "mov %%rsi, %c[a]+32\n\t"
                 "mov %%rdi, %c[a]+40\n\t"
                 "mov %%rbp, %c[a]+48\n\t"
                 "mov %%r8, %c[a]+56\n\t"
                 "mov %%r9, %c[a]+64\n\t"
                 "mov %%r10, %c[a]+72\n\t"
                 "mov %%r11, %c[a]+80\n\t"
                 "mov %%r12, %c[a]+88\n\t"
                 "mov %%r13, %c[a]+96\n\t"
                 "mov %%r14, %c[a]+104\n\t"
                 "mov %%r15, %c[a]+112\n\t"
                 "pop %%rbp"
                 :
                 : [v] "i"(g_int3_before), [a] "i"(g_int3_after)
                 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
                   "r14", "r15", "memory");
    return memcmp(g_int3_before, g_int3_after, sizeof(g_int3_before)) == 0;
}

[[noreturn]] void fail(const char* what) {
    printk("Glasshouse native: %s, stopping\n", what);
    power_off(true);
}

} // namespace
} // namespace guest::native

extern "C" [[noreturn]] void native_main(u32 magic, u32 info_pa) {
    using namespace guest;
    using namespace guest::native;
    serial_init();
    printk("Glasshouse native: hello from ring %u, no hypervisor\n", current_ring());
    if (magic != kMultibootMagic) fail("not started by a Multiboot loader");
    const auto* info = from_phys<MultibootInfo>(info_pa);
    const char* cmdline = (info->flags & kInfoCmdline) ? from_phys<char>(info->cmdline) : "";
    printk("Glasshouse native: cmd_line '%s'\n", cmdline);
    u64 ram_top = (info->flags & kInfoMemory) ? (u64{info->mem_upper} + 1024) << 10 : 0;
    if (ram_top < kUserWindowPhys + (u64{kMaxProcs} << 21)) fail("too little RAM");

    cpu_init();
    printk("Glasshouse native: GDT, TSS, IDT (vectors 0-19) and SYSCALL MSRs loaded\n");
    address_spaces_init();
    if (!address_spaces_are_private()) fail("address spaces share their window");
    printk("Glasshouse native: %u address spaces, each with its own page at %p: ok\n", kMaxProcs,
           reinterpret_cast<void*>(kUserWindow));
    u64 khz = calibrate_tsc_khz();
    if (!khz) fail("PIT channel 2 never counted down");
    printk("Glasshouse native: TSC %lu kHz (against PIT channel 2)\n", khz);

    if (!int3_returns_intact()) fail("int3 in ring 0 did not come back with its registers");
    printk("Glasshouse native: int3 in ring 0 returned with all 15 registers intact: ok\n");

    Options options = parse(cmdline);
    if (options.procs && !run_proc_test()) power_off(true);
    if (options.bench && !run_bench()) power_off(true);
    printk("Glasshouse native: shutting down (poweroff)\n");
    power_off(false);
}
