// console_io (docs/pv-abi.md §3.4.12): guest text on the hypervisor console,
// each line prefixed "(dN) " so readers can tell domains apart.
#include "hv/abi/hypercalls.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/format.hpp"
#include "hv/mm/guest_access.hpp"

namespace {
constexpr u64 kMaxWrite = 16384; // per call; longer writes are truncated like Xen's

void emit(Domain* d, const char* buf, usize n) {
    for (usize i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\r') continue; // the console turns '\n' into CRLF itself
        if (d->console_at_line_start) {
            char prefix[16];
            usize plen = format(prefix, sizeof prefix, "(d%u) ", d->id);
            console_write(prefix, plen);
            d->console_at_line_start = false;
        }
        console_write(&c, 1);
        if (c == '\n') d->console_at_line_start = true;
    }
}
} // namespace

i64 hc_console_io(Vcpu* v, const HypercallArgs& a) {
    unsigned cmd = static_cast<unsigned>(a.a[0]);
    u64 count = static_cast<u32>(a.a[1]);
    u64 buf = a.a[2];
    switch (cmd) {
    case xen::CONSOLEIO_write: {
        if (count > kMaxWrite) count = kMaxWrite;
        char chunk[256];
        for (u64 done = 0; done < count;) {
            usize n = count - done < sizeof chunk ? count - done : sizeof chunk;
            if (!copy_from_guest(chunk, buf + done, n).ok()) return hc_error(XEN_EFAULT);
            emit(v->domain, chunk, n);
            done += n;
        }
        return 0;
    }
    case xen::CONSOLEIO_read:
        return 0; // no console input yet
    default:
        return hc_error(XEN_ENOSYS);
    }
}
