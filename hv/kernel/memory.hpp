// Machine memory at boot: the frame allocator over the Multiboot memory map,
// with the hypervisor image and boot modules kept out of it.
#pragma once

#include "hv/core/alloc/frame_allocator.hpp"
#include "hv/kernel/multiboot.hpp"

void memory_init(const mb::BootInfo& boot);
FrameAllocator& hv_frames();
// Highest machine frame number + 1 covered by RAM.
u64 machine_frames();
