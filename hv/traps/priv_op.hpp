// Emulation of privileged instructions a PV guest executes in ring 3
// (docs/pv-abi.md §5.7): called on #GP(0). True if the instruction was
// emulated (or a fault for it queued); false to forward the #GP unchanged.
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/domain/vcpu.hpp"

bool emulate_privileged_op(Vcpu* v, Regs& r);

// Reads up to n instruction bytes at the guest's rip; returns how many
// could be read.
usize fetch_guest_insn(const Regs& r, u8* buf, usize n);
