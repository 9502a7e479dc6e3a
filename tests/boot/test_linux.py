#!/usr/bin/env python3
"""Debian 12's stock Linux 6.1 (linux-image-amd64, unmodified) as domain 0.

The kernel is Debian's own, fetched with apt and unpacked by
scripts/get-linux.sh; without it the test skips and says how to fetch it.
Each milestone is a line Linux itself prints on its Xen console
(HYPERVISOR_console_io) at a later stage of its boot, so a hypervisor that
stops short fails at the first missing one. The boot ends where a kernel
without a root file system must: the VFS panic, which Linux reports as a
crash (SCHEDOP_shutdown), never as a hypervisor panic.

The second test gives Linux an initramfs (dom0_initrd=1) made here from
Debian's static busybox (package busybox-static): its /init reports from
user space what the kernel tells it, then powers the machine off, which
must reach the hypervisor as domain 0's poweroff.

GLASSHOUSE_LINUX: the vmlinux (default build/linux/vmlinux).
GLASSHOUSE_BUSYBOX: a static busybox (default /bin/busybox).
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glasshouse_qemu  # noqa: E402
import initramfs  # noqa: E402
from test_guest_boot import HV, HV_ARGS, REPO, BootCase  # noqa: E402

VMLINUX = os.environ.get("GLASSHOUSE_LINUX", os.path.join(REPO, "build", "linux", "vmlinux"))
TIMEOUT = float(os.environ.get("GLASSHOUSE_LINUX_TIMEOUT", "240"))
BUSYBOX = os.environ.get("GLASSHOUSE_BUSYBOX", "/bin/busybox")
CMDLINE = "earlyprintk=xen console=hvc0 loglevel=8"

# /init, run by busybox sh: what user space sees of the machine, then off.
INIT_SCRIPT = """\
B=/bin/busybox
$B mount -t proc proc /proc
$B echo "initramfs: pid $$ cpus $($B grep -c ^processor /proc/cpuinfo) kernel $($B uname -r)"
$B echo "initramfs: $($B cat /proc/cmdline)"
$B mount -t sysfs sys /sys
H=/sys/hypervisor
$B echo "initramfs: hypervisor $($B cat $H/type) $($B cat $H/version/major).$($B cat \
$H/version/minor)$($B cat $H/version/extra) $($B cat $H/properties/capabilities)"
$B awk '/ timer0$/ { print "initramfs: vcpu0 timer events " $2 }' /proc/interrupts
$B poweroff -f
"""

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
    "xen:balloon: Initialising balloon driver",
    "clocksource: Switched to clocksource ",
    "NET: Registered PF_INET6 protocol family",
    "VFS: Unable to mount root fs",
]


class LinuxDom0(BootCase):
    def boot_linux(self, modules, hv_args, vcpus=1, **kw):
        if not os.path.isfile(VMLINUX):
            self.skipTest(f"no Linux kernel at {VMLINUX}: run scripts/get-linux.sh "
                          "(apt-get download of linux-image-6.1.0-*-amd64)")
        self.require(HV, "hypervisor image", "hv.elf")
        # One vCPU for the full boots: with two, a loaded host sometimes
        # sees an RCU stall on vCPU 1 late in the boot (README, next pieces).
        r = glasshouse_qemu.boot(HV, [(VMLINUX, CMDLINE)] + modules,
                                 f"{HV_ARGS} dom0_mem=512M dom0_max_vcpus={vcpus} {hv_args}",
                                 timeout=TIMEOUT, memory_mb=1024, **kw)
        self.assertNotEqual(r.exit_kind, "panic",
                            f"the hypervisor panicked\n{r.serial_log}{r.qemu_stderr}")
        self.assertNotIn("hv: ERROR", r.serial_log)
        return r

    def assertMilestones(self, r, milestones):
        log = r.serial_log
        pos = 0
        for m in milestones:
            at = log.find(m, pos)
            if at < 0:
                tail = "\n".join(log[pos:].splitlines()[-40:])
                self.fail(f"Linux did not reach {m!r} (after the previous milestone; "
                          f"ended {r.describe()})\n--- log after it ---\n{tail}")
            pos = at

    def test_debian_linux_boots_to_the_root_mount(self):
        r = self.boot_linux([], "")
        self.assertMilestones(r, MILESTONES)
        # Linux's panic reaches the hypervisor as a crash of domain 0.
        self.assertExit(r, "crash")

    def test_second_vcpu_comes_up(self):
        # Linux brings vCPU 1 up itself (VCPUOP_initialise with its IOPL,
        # VCPUOP_up); the run stops once it reports both CPUs online.
        r = self.boot_linux([], "", vcpus=2, stop_on=r"smp: Brought up 1 node, 2 CPUs")
        self.assertMilestones(r, [
            "Linux version 6.1.0-",
            "smpboot: Allowing 2 CPUs, 0 hotplug CPUs",
            "installing Xen timer for CPU 1",
            "smp: Brought up 1 node, 2 CPUs",
        ])
        self.assertExit(r, "stopped")

    def test_initramfs_user_space_runs_and_powers_off(self):
        if not os.path.isfile(BUSYBOX):
            self.skipTest(f"no static busybox at {BUSYBOX}: apt-get install busybox-static")
        if "statically linked" not in subprocess.run(["file", "-L", BUSYBOX], text=True,
                                                     capture_output=True).stdout:
            self.skipTest(f"{BUSYBOX} is not statically linked: apt-get install busybox-static")
        with open(BUSYBOX, "rb") as f:
            image = initramfs.busybox_init(f.read(), INIT_SCRIPT)
        with tempfile.TemporaryDirectory() as tmp:
            cpio = os.path.join(tmp, "initrd.cpio")
            with open(cpio, "wb") as f:
                f.write(image)
            r = self.boot_linux([(cpio, "")], "dom0_initrd=1")
        self.assertIn(f"hv: d0: initrd {len(image)} bytes in PFNs", r.serial_log)
        self.assertMilestones(r, [
            "Linux version 6.1.0-",
            "Trying to unpack rootfs image as initramfs...",
            "Run /init as init process",
            # Lines only user space prints, with what the kernel told it.
            "initramfs: pid 1 cpus 1 kernel 6.1.0-",
            f"initramfs: {CMDLINE}",
            # xen_version answers, through Linux's /sys/hypervisor.
            "initramfs: hypervisor xen 4.17-glasshouse xen-3.0-x86_64",
            "initramfs: vcpu0 timer events ",
            "reboot: System halted",
        ])
        # The vCPU's VIRQ_TIMER reached it: its column counts ticks.
        ticks = re.search(r"initramfs: vcpu0 timer events (\d+)", r.serial_log)
        self.assertGreater(int(ticks.group(1)), 0)
        self.assertExit(r, "poweroff")


if __name__ == "__main__":
    unittest.main()
