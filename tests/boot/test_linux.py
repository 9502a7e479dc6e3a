#!/usr/bin/env python3
"""Debian 12's stock Linux 6.1 (linux-image-amd64, unmodified) as domain 0.

The kernel is Debian's own, fetched with apt and unpacked by
scripts/get-linux.sh; without it the test skips and says how to fetch it.
Each milestone is a line Linux itself prints on its Xen console
(HYPERVISOR_console_io) at a later stage of its boot, so a hypervisor that
stops short fails at the first missing one. The boot ends where a kernel
without a root file system must: the VFS panic, which Linux reports as a
crash (SCHEDOP_shutdown), never as a hypervisor panic.

GLASSHOUSE_LINUX: the vmlinux (default build/linux/vmlinux).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glasshouse_qemu  # noqa: E402
from test_guest_boot import HV, HV_ARGS, REPO, BootCase  # noqa: E402

VMLINUX = os.environ.get("GLASSHOUSE_LINUX", os.path.join(REPO, "build", "linux", "vmlinux"))
TIMEOUT = float(os.environ.get("GLASSHOUSE_LINUX_TIMEOUT", "240"))

# In boot order: entry and early console, the Xen memory map and p2m, the
# event-channel and timer set-up, then the initcalls through to the root
# file system.
MILESTONES = [
    "Linux version 6.1.0-",
    "Xen: [mem 0x0000000000100000-",
    "Hypervisor detected: Xen PV",
    "p2m virtual area at",
    "Booting kernel on Xen",
    "xen:events: Using 2-level ABI",
    "printk: console [hvc0] enabled",
    "Xen: using vcpuop timer interface",
    "x86/fpu: x87 FPU will use",
    "smp: Brought up 1 node, 2 CPUs",
    "xen:balloon: Initialising balloon driver",
    "clocksource: Switched to clocksource xen",
    "NET: Registered PF_INET6 protocol family",
    "VFS: Unable to mount root fs",
]


class LinuxDom0(BootCase):
    def test_debian_linux_boots_to_the_root_mount(self):
        if not os.path.isfile(VMLINUX):
            self.skipTest(f"no Linux kernel at {VMLINUX}: run scripts/get-linux.sh "
                          "(apt-get download of linux-image-6.1.0-*-amd64)")
        self.require(HV, "hypervisor image", "hv.elf")
        # Two vCPUs: Linux brings the second up itself (VCPUOP_initialise, _up).
        r = glasshouse_qemu.boot(
            HV, [(VMLINUX, "earlyprintk=xen console=hvc0 loglevel=8")],
            f"{HV_ARGS} dom0_mem=512M dom0_max_vcpus=2", timeout=TIMEOUT, memory_mb=1024)
        self.assertNotEqual(r.exit_kind, "panic",
                            f"the hypervisor panicked\n{r.serial_log}{r.qemu_stderr}")
        self.assertNotIn("hv: ERROR", r.serial_log)
        log = r.serial_log
        pos = 0
        for m in MILESTONES:
            at = log.find(m, pos)
            if at < 0:
                tail = "\n".join(log[pos:].splitlines()[-40:])
                self.fail(f"Linux did not reach {m!r} (after the previous milestone; "
                          f"ended {r.describe()})\n--- log after it ---\n{tail}")
            pos = at
        # Linux's panic reaches the hypervisor as a crash of domain 0.
        self.assertExit(r, "crash")


if __name__ == "__main__":
    unittest.main()
