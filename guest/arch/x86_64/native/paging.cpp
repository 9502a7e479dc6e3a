#include "guest/arch/x86_64/native/paging.hpp"

#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/layout.h"
#include "guest/proc_arch.hpp"

extern "C" u64 native_boot_l4[512];

namespace guest::native {
namespace {

constexpr u64 kTable = 0x7;                 // P | RW | U
constexpr u64 kLarge = 0x87;                // P | RW | U | PS
constexpr u64 kMarker = 0x4e41544956450000; // "NATIVE" + slot

alignas(4096) u64 g_l4[kMaxProcs][512];
alignas(4096) u64 g_l3[kMaxProcs][512];
alignas(4096) u64 g_l2[kMaxProcs][512];

u64 phys(const void* p) {
    return reinterpret_cast<u64>(p) - KERNEL_MAP;
}

constexpr unsigned index(u64 va, unsigned level) {
    return (va >> (12 + 9 * (level - 1))) & 511;
}

} // namespace

void address_spaces_init() {
    for (unsigned i = 0; i < kMaxProcs; i++) {
        g_l4[i][511] = native_boot_l4[511];
        g_l4[i][index(kUserWindow, 4)] = phys(g_l3[i]) | kTable;
        g_l3[i][index(kUserWindow, 3)] = phys(g_l2[i]) | kTable;
        g_l2[i][index(kUserWindow, 2)] = (kUserWindowPhys + (u64{i} << 21)) | kLarge;
    }
}

u64 address_space_cr3(unsigned slot) {
    return phys(g_l4[slot % kMaxProcs]);
}

bool address_spaces_are_private() {
    u64 kernel = read_cr3();
    auto* window = reinterpret_cast<volatile u64*>(kUserWindow);
    for (unsigned i = 0; i < kMaxProcs; i++) {
        write_cr3(address_space_cr3(i));
        *window = kMarker + i;
    }
    bool ok = true;
    for (unsigned i = 0; i < kMaxProcs; i++) {
        write_cr3(address_space_cr3(i));
        ok &= *window == kMarker + i;
    }
    write_cr3(kernel);
    return ok;
}

} // namespace guest::native
