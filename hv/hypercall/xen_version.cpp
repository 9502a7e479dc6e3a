// xen_version (docs/pv-abi.md §3.4.11). Every string buffer is written in
// full, zero padded after the terminator, so no hypervisor memory leaks
// into the guest (xsa-122).
#include "hv/abi/elfnote.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/guest_access.hpp"

namespace {
constexpr unsigned kMajor = 4, kMinor = 17;

i64 put_string(u64 dst, usize size, const char* s) {
    char buf[1024] = {};
    copy_string(buf, size < sizeof buf ? size : sizeof buf, s);
    return hc_status(copy_to_guest(dst, buf, size));
}
} // namespace

i64 hc_xen_version(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    u64 arg = a.a[1];
    switch (cmd) {
    case xen::XENVER_version:
        return (kMajor << 16) | kMinor;
    case xen::XENVER_extraversion:
        return put_string(arg, 16, "-glasshouse");
    case xen::XENVER_compile_info: {
        char info[144] = {};
        copy_string(info, 64, "g++");
        copy_string(info + 64, 16, "glasshouse");
        copy_string(info + 80, 32, "localdomain");
        copy_string(info + 112, 32, __DATE__);
        return hc_status(copy_to_guest(arg, info, sizeof info));
    }
    case xen::XENVER_capabilities:
        return put_string(arg, 1024, "xen-3.0-x86_64");
    case xen::XENVER_changeset:
        return put_string(arg, 64, "glasshouse");
    case xen::XENVER_platform_parameters: {
        u64 virt_start = xen::HYPERVISOR_VIRT_START;
        return hc_status(write_guest(arg, virt_start));
    }
    case xen::XENVER_get_features: {
        u32 req[2];
        if (!copy_from_guest(req, arg, sizeof req).ok()) return hc_error(XEN_EFAULT);
        if (req[0] != 0) return hc_error(XEN_EINVAL);
        u32 map = (1u << xen::XENFEAT_mmu_pt_update_preserve_ad) |
                  (1u << xen::XENFEAT_gnttab_map_avail_bits);
        if (v->domain->privileged) map |= 1u << xen::XENFEAT_dom0;
        req[1] = map;
        return hc_status(copy_to_guest(arg, req, sizeof req));
    }
    case xen::XENVER_pagesize:
        return arg ? hc_error(XEN_EINVAL) : static_cast<i64>(kPageSize);
    case xen::XENVER_guest_handle: {
        u8 handle[16] = {};
        return hc_status(copy_to_guest(arg, handle, sizeof handle));
    }
    case xen::XENVER_commandline:
        // The hypervisor's command line is for the privileged domain only.
        return put_string(arg, 1024, v->domain->privileged ? v->domain->hv_cmdline : "");
    default:
        return hc_error(XEN_ENOSYS);
    }
}
