// Glasshouse's domain control interface (hypercall 36, Xen's domctl number),
// privileged to domain 0. The header follows Xen's domctl (cmd,
// interface_version, domain); the operations reuse Xen's numbers where Xen
// has the same operation, and each payload is Glasshouse's own, documented
// here: Glasshouse builds PV domains itself from an image domain 0 supplies,
// instead of leaving that to a toolstack library as Xen does.
#pragma once

#include "hv/lib/types.hpp"

#include <cstddef>

namespace xen {

constexpr u32 GLASS_DOMCTL_INTERFACE_VERSION = 0x47480001; // "GH", v1

enum DomctlCmd : u32 {
    DOMCTL_createdomain = 1,  // IN create; OUT header.domain = new id
    DOMCTL_destroydomain = 2, // header.domain
    DOMCTL_pausedomain = 3,   // header.domain
    DOMCTL_unpausedomain = 4, // header.domain
    DOMCTL_getdomaininfo = 5, // header.domain (first id >= it); OUT info
    DOMCTL_max_mem = 11,      // IN max_mem
    DOMCTL_scheduler_op = 16, // IN sched (weight, cap)
    // Glasshouse operations.
    DOMCTL_glass_build_pv = 0x4701,     // IN build: ELF image in the caller's memory
    DOMCTL_glass_boot_module = 0x4702,  // IN/OUT module: size and command line of one
    DOMCTL_glass_read_module = 0x4703,  // IN read: copy bytes of a boot module
    DOMCTL_glass_frame_census = 0x4704, // OUT census: where every machine frame is
    // header.domain: the caller's pause of the domain (it must hold one, as
    // after creation) passes to the host's tools, whose qGlasshouse.unpause
    // releases it: a domain built to be started from the host (`xl create
    // -p`, then a debugger or injector arms itself and unpauses).
    DOMCTL_glass_hand_to_host = 0x4705,
};

struct DomctlCreate {
    u32 max_vcpus; // IN 1..8
    u32 weight;    // IN proportional share (0 = default 256)
    u32 cap;       // IN % of one CPU, 0 = none
    u32 pad;
    u64 max_pages; // IN memory limit and initial allocation, in pages
};

struct DomctlBuild {
    u64 image;        // IN VA of the ELF image in the caller's memory
    u64 image_size;   // IN bytes
    u64 cmdline;      // IN VA of a NUL-terminated command line (0 = none)
    u64 console_port; // OUT domU's console event channel (unbound, for domain 0)
    u64 store_port;   // OUT domU's xenstore event channel (unbound, for domain 0)
    u64 console_mfn;  // OUT console ring frame
    u64 store_mfn;    // OUT xenstore ring frame
};

struct DomctlInfo {
    u16 domid;          // OUT
    u8 state;           // OUT DOMINFO_*
    u8 shutdown_reason; // OUT SHUTDOWN_* when state is shutdown/crashed
    u32 nr_vcpus;       // OUT
    u64 nr_pages;       // OUT frames owned
    u64 max_pages;      // OUT
    u64 cpu_time_ns;    // OUT summed running time of all vCPUs
    u32 pause_count;    // OUT
    u32 weight;         // OUT
    u32 cap;            // OUT
    u32 pad;
};
constexpr u8 DOMINFO_running = 0, DOMINFO_paused = 1, DOMINFO_shutdown = 2, DOMINFO_crashed = 3,
             DOMINFO_dying = 4, DOMINFO_building = 5;

struct DomctlMaxMem {
    u64 max_pages; // IN
};

struct DomctlSched {
    u32 weight; // IN
    u32 cap;    // IN
};

struct DomctlBootModule {
    u32 index; // IN 0 = domain 0's own kernel, 1.. the others
    u32 pad;
    u64 size;         // OUT bytes
    char cmdline[96]; // OUT the module's string (file name and arguments), truncated
};

struct DomctlReadModule {
    u32 index; // IN
    u32 pad;
    u64 offset; // IN
    u64 buffer; // IN VA in the caller's memory
    u64 length; // IN bytes; OUT bytes copied
};

// DOMCTL_glass_frame_census: one pass over the frame table. Every RAM
// frame is free, the hypervisor's (shared_info and grant frames included)
// or a domain's; total == free + hypervisor + domains + orphaned. The
// hypervisor also checks what it can: the frame allocator's own free count
// and each live domain's nr_pages against the frames it owns.
struct DomctlCensus {
    u64 total;          // OUT RAM frames
    u64 free;           // OUT frames the frame table marks free
    u64 allocator_free; // OUT frames the frame allocator holds (must equal free)
    u64 hypervisor;     // OUT
    u64 domains;        // OUT owned by live or dying domains
    u64 orphaned;       // OUT owned by ids of no domain (leaked)
    u32 nr_domains;     // OUT domains counted
    u32 mismatched;     // OUT domains whose owned frames differ from nr_pages
    u16 first_mismatch; // OUT the first such domain (DOMID_INVALID if none)
    u16 pad[3];
};

struct Domctl {
    u32 cmd;
    u32 interface_version; // GLASS_DOMCTL_INTERFACE_VERSION, else -EACCES
    u16 domain;
    u16 pad[3];
    union {
        DomctlCreate create;
        DomctlBuild build;
        DomctlInfo info;
        DomctlMaxMem max_mem;
        DomctlSched sched;
        DomctlBootModule module;
        DomctlReadModule read;
        DomctlCensus census;
        u8 raw[128];
    } u;
};
static_assert(offsetof(Domctl, u) == 16);
static_assert(sizeof(Domctl) == 144);

} // namespace xen
