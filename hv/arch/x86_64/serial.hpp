// 16550 UART on COM1: the hypervisor's console (QEMU -serial).
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

void serial_init();
void serial_write(const char* s, usize n);

} // namespace arch
