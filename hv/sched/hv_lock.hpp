// The hypervisor lock. Glasshouse's first SMP design serialises all
// hypervisor work with one lock: an entry from a guest takes it, and it is
// dropped just before the IRET back to a guest and while a CPU idles. Guests
// run in parallel on every CPU; only their hypervisor entries queue. Finer
// locks (per domain, per frame) can replace it where contention shows.
//
// A CPU waiting for the lock keeps answering TLB shootdowns (the holder may
// be waiting for it), and the shootdown IPI itself is handled without the
// lock.
#pragma once

void hv_lock_acquire();
void hv_lock_release();
// Whether this CPU holds the lock.
bool hv_lock_held();
// The lock's ticket words (u32 next, u32 serving), for the introspection
// root: host readers check them to see whether state changed under them.
const void* hv_lock_word();
