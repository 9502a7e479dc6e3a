// Publishes the introspection root (hv/introspect/format.hpp) that host
// tools find in guest RAM, and keeps its generation counter.
#pragma once

// Fills and checksums the root; call once, after machine_mm_init.
void introspect_init();

// Bracket every change to the domain registry (creation, destruction): the
// generation counter is odd in between, so a host reader retries.
void introspect_generation_begin();
void introspect_generation_end();
