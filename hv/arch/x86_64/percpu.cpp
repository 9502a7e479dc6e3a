#include "hv/arch/x86_64/percpu.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/lib/string.hpp"

extern "C" const u64 vector_stub_table[256];
extern "C" char syscall_entry64[], syscall_entry32[];

namespace arch {

namespace {

struct IdtGate {
    u16 offset_lo;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_hi;
    u32 reserved;
} __attribute__((packed));
static_assert(sizeof(IdtGate) == 16);

struct DescriptorPointer {
    u16 limit;
    u64 base;
} __attribute__((packed));

// One IDT for all CPUs: the gates do not depend on the CPU.
IdtGate g_idt[256] __attribute__((aligned(16)));
bool g_idt_built = false;

constexpr unsigned kGdtWindowPages = 16;
constexpr unsigned kReservedGdtPage = 14;

// The per-CPU reserved GDT page (page 14 of the window) and its contents.
u64* g_reserved_gdt[kMaxCpus];
Tss g_tss[kMaxCpus] __attribute__((aligned(64)));
u64 g_zero_frame_pa; // shown for guest GDT pages the vCPU did not supply

u64 gdt_window(unsigned cpu) {
    return HV_PERCPU_GDT_START + cpu * HV_PERCPU_GDT_STRIDE;
}

void set_gate(unsigned vec, u64 handler, unsigned dpl, unsigned ist) {
    IdtGate& g = g_idt[vec];
    g.offset_lo = handler & 0xFFFF;
    g.selector = HV_CS;
    g.ist = ist;
    g.type_attr = 0x8E | (dpl << 5); // present, 64-bit interrupt gate (IF cleared)
    g.offset_mid = (handler >> 16) & 0xFFFF;
    g.offset_hi = handler >> 32;
    g.reserved = 0;
}

void build_idt() {
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, vector_stub_table[v], 0, 0);
    // #BP and #OF are reachable with int3/into from the guest (ring 3); every
    // other software INT n from a guest raises #GP(n<<3|2) and is emulated
    // against the guest's own trap table (docs/pv-abi.md §5.1).
    set_gate(3, vector_stub_table[3], 3, 0);
    set_gate(4, vector_stub_table[4], 3, 0);
    // Handlers that can fire with a guest-controlled or half-switched stack
    // run on their own stacks (xsa-260, xsa-265).
    set_gate(8, vector_stub_table[8], 0, HV_IST_DF);
    set_gate(2, vector_stub_table[2], 0, HV_IST_NMI);
    set_gate(18, vector_stub_table[18], 0, HV_IST_MC);
    set_gate(1, vector_stub_table[1], 0, HV_IST_DB);
    g_idt_built = true;
}

u64 tss_descriptor_lo(u64 base, u32 limit) {
    return (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
           (static_cast<u64>((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
}

void fill_reserved_gdt(u64* page, unsigned cpu) {
    memset(page, 0, kPageSize);
    page[1] = 0x00af9b000000ffffull; // 0xe008 hypervisor code
    page[2] = 0x00cf93000000ffffull; // 0xe010 hypervisor data
    page[4] = 0x00cffb000000ffffull; // 0xe023 flat ring-3 32-bit code
    page[5] = 0x00cff3000000ffffull; // 0xe02b flat ring-3 data
    page[6] = 0x00affb000000ffffull; // 0xe033 flat ring-3 64-bit code
    u64 tss = reinterpret_cast<u64>(&g_tss[cpu]);
    page[8] = tss_descriptor_lo(tss, sizeof(Tss) - 1); // 0xe040
    page[9] = tss >> 32;
    // 0xe060: a data segment whose limit is the CPU number (Xen's per-CPU
    // entry, read with LSL).
    page[12] = 0x0040f3000000ull | cpu;
}

} // namespace

void cpu_init(unsigned cpu_id, void* stack_block) {
    if (cpu_id >= kMaxCpus) panic("CPU %u beyond the supported %u", cpu_id, kMaxCpus);
    if (!g_idt_built) build_idt();
    auto& frames = hv_frames();

    if (!g_zero_frame_pa) {
        auto z = frames.alloc(1);
        if (!z.ok()) panic("out of memory for the zero frame");
        g_zero_frame_pa = *z << kPageShift;
        memset(phys_to_virt(g_zero_frame_pa), 0, kPageSize);
    }

    // GDT window: 14 guest pages (empty for now) and the reserved page.
    auto res = frames.alloc(1);
    if (!res.ok()) panic("out of memory for the GDT of CPU %u", cpu_id);
    u64 reserved_pa = *res << kPageShift;
    g_reserved_gdt[cpu_id] = phys_to_virt<u64>(reserved_pa);
    u64 window = gdt_window(cpu_id);
    for (unsigned p = 0; p < kGdtWindowPages; p++) {
        u64 pa = p == kReservedGdtPage ? reserved_pa : g_zero_frame_pa;
        // The CPU sets accessed bits and the TSS busy bit in place, so the
        // window is writable for the hypervisor; guests never see it (US=0).
        u64 flags = PTE_A | PTE_D | PTE_NX | (p == kReservedGdtPage ? PTE_RW : 0);
        if (!map_hv_page(window + p * kPageSize, pa, flags, frames).ok())
            panic("cannot map the GDT window of CPU %u", cpu_id);
    }
    fill_reserved_gdt(g_reserved_gdt[cpu_id], cpu_id);

    // TSS: RSP0 is the end of this CPU's guest frame; IST stacks are the
    // lowest pages of the stack block.
    auto* ci =
        reinterpret_cast<CpuInfo*>(static_cast<u8*>(stack_block) + HV_STACK_SIZE - sizeof(CpuInfo));
    memset(ci, 0, sizeof *ci);
    ci->cpu_id = cpu_id;
    ci->guest_regs_end = reinterpret_cast<u64>(&ci->guest_regs + 1);
    ci->apic_id = cpuid(1).ebx >> 24; // initial APIC id, without the LAPIC mapped
    register_cpu(ci);
    Tss& tss = g_tss[cpu_id];
    memset(&tss, 0, sizeof tss);
    tss.rsp[0] = ci->guest_regs_end;
    for (unsigned ist = 1; ist <= 4; ist++)
        tss.ist[ist - 1] = reinterpret_cast<u64>(stack_block) + ist * kPageSize;
    tss.iomap_base = sizeof(Tss); // no I/O bitmap: guests get no port access

    DescriptorPointer gdtr{static_cast<u16>(15 * kPageSize - 1), window};
    DescriptorPointer idtr{sizeof g_idt - 1, reinterpret_cast<u64>(g_idt)};
    asm volatile("lgdt %0\n\t"
                 "lidt %1\n\t"
                 "pushq %2\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "movl %3, %%eax\n\t"
                 "movl %%eax, %%ss\n\t"
                 "xorl %%eax, %%eax\n\t"
                 "movl %%eax, %%ds\n\t"
                 "movl %%eax, %%es\n\t"
                 "movl %%eax, %%fs\n\t"
                 "movl %%eax, %%gs\n\t"
                 "movw %4, %%ax\n\t"
                 "ltr %%ax"
                 :
                 : "m"(gdtr), "m"(idtr), "i"(HV_CS), "i"(HV_DS), "i"(HV_TSS_SEL)
                 : "rax", "memory");

    // SYSCALL: hypervisor CS/SS from 0xe008, SYSRET to 0xe033/0xe02b (64-bit)
    // or 0xe023/0xe02b (compat); the ABI fixes these values (pv-abi §2.3).
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
    wrmsr(MSR_STAR, (0xe023ull << 48) | (static_cast<u64>(HV_CS) << 32));
    wrmsr(MSR_LSTAR, reinterpret_cast<u64>(syscall_entry64));
    wrmsr(MSR_CSTAR, reinterpret_cast<u64>(syscall_entry32));
    wrmsr(MSR_SFMASK,
          RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC | RFLAGS_VM);
    // SYSENTER is not offered: a zero SYSENTER_CS makes it #GP(0), which is
    // forwarded to the guest (xsa-339 accepts that).
    wrmsr(MSR_SYSENTER_CS, 0);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, reinterpret_cast<u64>(ci));

    // FPU/SSE usable by guests (the hypervisor itself never touches them);
    // CR0.WP so the hypervisor's own writes honour read-only guest mappings.
    write_cr0((read_cr0() & ~(1ull << 2)) | (1ull << 1) | CR0_WP | (1ull << 5));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void load_guest_gdt_frames(const u64* mfns, unsigned count) {
    u64 window = gdt_window(cpu_info()->cpu_id);
    for (unsigned p = 0; p < kReservedGdtPage; p++) {
        u64* pte = hv_leaf_pte(window + p * kPageSize);
        u64 pa = p < count ? mfns[p] << kPageShift : g_zero_frame_pa;
        u64 flags = PTE_P | PTE_A | PTE_D | PTE_NX | (p < count ? PTE_RW : 0);
        u64 val = pa | flags;
        if (*pte != val) {
            *pte = val;
            invlpg(window + p * kPageSize);
        }
    }
}

} // namespace arch
