#include "hv/kernel/memory.hpp"

#include "hv/arch/x86_64/paging.hpp"
#include "hv/kernel/log.hpp"

#include <new>

extern "C" char __image_start[], __image_end[];

namespace {
// One bit per frame for up to 64 GiB of machine memory (2 MiB of .bss).
constexpr u64 kMaxFrames = (64ull << 30) >> kPageShift;
u64 g_bitmap[kMaxFrames / 64];
alignas(FrameAllocator) u8 g_frames_storage[sizeof(FrameAllocator)];
FrameAllocator* g_frames;
u64 g_machine_frames;
} // namespace

FrameAllocator& hv_frames() {
    return *g_frames;
}
u64 machine_frames() {
    return g_machine_frames;
}

void memory_init(const mb::BootInfo& boot) {
    g_machine_frames = boot.top_of_ram >> kPageShift;
    if (g_machine_frames > kMaxFrames) {
        LOG_WARN("ignoring memory above %lu GiB", kMaxFrames >> (30 - kPageShift));
        g_machine_frames = kMaxFrames;
    }
    g_frames = new (g_frames_storage) FrameAllocator(g_bitmap, g_machine_frames);

    for (unsigned i = 0; i < boot.nr_ram; i++) {
        u64 first = page_round_up(boot.ram[i].start) >> kPageShift;
        u64 end = page_round_down(boot.ram[i].end) >> kPageShift;
        if (end > first) g_frames->mark_free(first, end - first);
    }
    // Low 1 MiB: BIOS data, the Multiboot info and real-mode leftovers.
    g_frames->mark_used(0, 0x100);
    u64 img_start = arch::virt_to_phys(__image_start) >> kPageShift;
    u64 img_end = page_round_up(arch::virt_to_phys(__image_end)) >> kPageShift;
    g_frames->mark_used(img_start, img_end - img_start);
    for (unsigned i = 0; i < boot.nr_modules; i++) {
        u64 first = boot.modules[i].start >> kPageShift;
        u64 end = page_round_up(boot.modules[i].end) >> kPageShift;
        g_frames->mark_used(first, end - first);
    }
    LOG_INFO("memory: %lu MiB RAM, %lu MiB free after image and %u module(s)",
             (g_machine_frames << kPageShift) >> 20, (g_frames->free_frames() << kPageShift) >> 20,
             boot.nr_modules);
}
