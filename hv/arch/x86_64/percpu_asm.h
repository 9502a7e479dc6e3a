/* Sizes shared between percpu.hpp and entry.S (checked there). */
#pragma once
#define CPUINFO_SIZE 224
#define CPUINFO_OFF_REGS 8
#define CPUINFO_OFF_SCRATCH 176
#define CPUINFO_OFF_REGS_END 184
