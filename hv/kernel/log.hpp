// Hypervisor console log on COM1, with levels (hv command line: loglvl=).
// Every line is prefixed "hv: " so tests and tools can tell it from guest
// console output, which is prefixed "(dN) ".
#pragma once

#include "hv/lib/types.hpp"

enum class LogLevel : u8 { error = 0, warn = 1, info = 2, debug = 3 };

void log_set_level(LogLevel level);
LogLevel log_level();
void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Raw bytes to the console, no prefix (guest console output).
void console_write(const char* s, usize n);

#define LOG_ERROR(...) log(LogLevel::error, __VA_ARGS__)
#define LOG_WARN(...) log(LogLevel::warn, __VA_ARGS__)
#define LOG_INFO(...) log(LogLevel::info, __VA_ARGS__)
#define LOG_DEBUG(...) log(LogLevel::debug, __VA_ARGS__)

// Stops the machine: prints the reason and makes QEMU exit with the panic
// status (see hv/kernel/shutdown.hpp).
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
