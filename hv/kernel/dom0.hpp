// Domain 0: built from the first Multiboot module, then run.
#pragma once

#include "hv/kernel/multiboot.hpp"

[[noreturn]] void start_dom0(const mb::BootInfo& boot);
