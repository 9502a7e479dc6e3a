#pragma once

namespace guest::native {

// System call round trip from ring 3 (SYSCALL/SYSRETQ), int3 in ring 0 and
// back (IDT, IRETQ), and a switch between two processes in two address
// spaces (yield: SYSCALL, save, CR3 load, restore, IRETQ). False on failure.
bool run_bench();

} // namespace guest::native
