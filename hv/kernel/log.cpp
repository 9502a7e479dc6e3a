#include "hv/kernel/log.hpp"

#include "hv/arch/x86_64/serial.hpp"
#include "hv/kernel/shutdown.hpp"
#include "hv/lib/format.hpp"

#include <cstdarg>

namespace {
LogLevel g_level = LogLevel::info;
const char* const kLevelTag[] = {"ERROR: ", "WARN: ", "", "debug: "};
} // namespace

void log_set_level(LogLevel level) {
    g_level = level;
}
LogLevel log_level() {
    return g_level;
}

void console_write(const char* s, usize n) {
    arch::serial_write(s, n);
}

void log(LogLevel level, const char* fmt, ...) {
    if (level > g_level) return;
    char line[512];
    usize n = format(line, sizeof line, "hv: %s", kLevelTag[static_cast<int>(level)]);
    va_list ap;
    va_start(ap, fmt);
    n += format_v(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (n > sizeof line - 2) n = sizeof line - 2;
    line[n++] = '\n';
    arch::serial_write(line, n);
}

void panic(const char* fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    format_v(line, sizeof line, fmt, ap);
    va_end(ap);
    log(LogLevel::error, "PANIC: %s", line);
    machine_exit(MachineExit::panic);
}
