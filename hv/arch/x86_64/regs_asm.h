/* struct Regs offsets and pseudo-vectors shared with entry.S (checked in
 * regs.hpp). */
#pragma once
#define REGS_OFF_RAX 80
#define REGS_OFF_VECTOR 120
#define REGS_OFF_RIP 128
#define REGS_OFF_CS 136
#define REGS_SIZE 168
#define ENTRY_SYSCALL 0x100
#define ENTRY_SYSCALL32 0x101
#define ENTRY_SYSENTER 0x102
