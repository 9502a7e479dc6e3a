// Publishes the introspection root (hv/introspect/format.hpp) that host
// tools find in guest RAM, and keeps its generation counter.
#pragma once

#include "hv/lib/types.hpp"

// Fills and checksums the root; call once, after machine_mm_init.
void introspect_init();
// Starts the published clock (after the LAPIC timer runs).
void introspect_clock_start();

// Published as phys.IntrospectClock: system time, at most 10 ms old.
struct IntrospectClock {
    u64 now_ns;
};
extern IntrospectClock g_introspect_clock;

// Bracket every change to the domain registry (creation, destruction): the
// generation counter is odd in between, so a host reader retries.
void introspect_generation_begin();
void introspect_generation_end();
