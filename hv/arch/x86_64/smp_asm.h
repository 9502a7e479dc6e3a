/* Shared between ap_boot.S and smp.cpp. */
#pragma once
#define AP_TRAMPOLINE_BASE 0x8000
