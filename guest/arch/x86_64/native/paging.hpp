// One address space per process slot (guest/proc_arch.hpp): its own L4
// sharing the kernel's top slot (the image at KERNEL_MAP, user-accessible
// as in boot.S) and a private 2 MiB page at kUserWindow, so a switch between
// processes is a real CR3 switch between different translations. No PCID and
// no global pages: every CR3 load flushes the whole TLB.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::native {

constexpr u64 kUserWindow = 0x40000000;
constexpr u64 kUserWindowPhys = 32ull << 20; // slot i: + i * 2 MiB

// Builds the tables; needs RAM up to kUserWindowPhys + slots * 2 MiB.
void address_spaces_init();

u64 address_space_cr3(unsigned slot);

// Writes a marker through each space's window and reads every one back
// through its own: false if two spaces share the frame.
bool address_spaces_are_private();

} // namespace guest::native
