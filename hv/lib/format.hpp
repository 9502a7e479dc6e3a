// printf-style formatting into a caller's buffer: no allocation, no floating
// point. Supports %s %c %d %i %u %x %X %p %%, the l/ll/z length modifiers,
// '-' and '0' flags and a field width (also '*').
#pragma once

#include "hv/lib/types.hpp"

#include <cstdarg>

// Formats into buf (always NUL-terminated when cap > 0). Returns the length
// the full output would have had, like vsnprintf.
usize format_v(char* buf, usize cap, const char* fmt, va_list ap);
usize format(char* buf, usize cap, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
