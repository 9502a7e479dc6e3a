// Hypervisor command line (-append): space-separated key=value options.
#pragma once

#include "hv/lib/types.hpp"

// Finds option `key` ("loglvl") in cmdline; copies its value (text after '=',
// empty for a bare flag) into out. False if the option is absent.
bool cmdline_option(const char* cmdline, const char* key, char* out, usize cap);
