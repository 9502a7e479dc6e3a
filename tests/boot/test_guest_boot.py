#!/usr/bin/env python3
"""Boot tests: the real hypervisor (hv.bin) with our guest (guest.elf) or XTF.

Paths come from the environment (ctest sets them) or default to build/:
GLASSHOUSE_HV, GLASSHOUSE_GUEST, GLASSHOUSE_XTF, GLASSHOUSE_HV_ARGS.
Run one test: python3 tests/boot/test_guest_boot.py GuestBoot.test_poweroff
"""

import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glasshouse_qemu  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HV = os.environ.get("GLASSHOUSE_HV", os.path.join(REPO, "build", "hv", "hv.bin"))
GUEST = os.environ.get("GLASSHOUSE_GUEST", os.path.join(REPO, "build", "guest", "guest.elf"))
XTF = os.environ.get("GLASSHOUSE_XTF", os.path.normpath(os.path.join(REPO, "..", "shared", "xtf")))
HV_ARGS = os.environ.get("GLASSHOUSE_HV_ARGS", "")
TIMEOUT = float(os.environ.get("GLASSHOUSE_BOOT_TIMEOUT", "30"))

# The hypervisor's contract for a dom0 image it will not build.
REFUSED_PREFIX = "hv: dom0 image refused:"


class BootCase(unittest.TestCase):
    def require(self, path, what, target):
        if not os.path.isfile(path):
            self.fail(f"{what} {path} does not exist: build the {target} target first")

    def boot(self, modules, **kw):
        self.require(HV, "hypervisor image", "hv.elf")
        kw.setdefault("timeout", TIMEOUT)
        return glasshouse_qemu.boot(HV, modules, HV_ARGS, **kw)

    def assertExit(self, result, kind):
        if result.exit_kind != kind:
            self.fail(f"expected exit {kind}, got {result.describe()}\n"
                      f"--- serial log ---\n{result.serial_log}{result.qemu_stderr}")

    def assertInLog(self, result, text):
        if text not in result.serial_log:
            self.fail(f"serial log lacks {text!r} (ended {result.describe()})\n"
                      f"--- serial log ---\n{result.serial_log}{result.qemu_stderr}")


class GuestBoot(BootCase):
    def boot_guest(self, args):
        self.require(GUEST, "guest kernel", "guest.elf")
        return self.boot([(GUEST, args)])

    def test_poweroff(self):
        r = self.boot_guest("shutdown=poweroff")
        self.assertInLog(r, "Glasshouse guest: hello from domain 0")
        self.assertInLog(r, "Glasshouse guest: shutting down (poweroff)")
        self.assertExit(r, "poweroff")

    def test_timer(self):
        # guest/timer.cpp: a single-shot VIRQ_TIMER 10 ms ahead, measured
        # with vcpu_time_info; the guest crashes itself if anything is off.
        r = self.boot_guest("timer shutdown=poweroff")
        self.assertInLog(r, "Glasshouse guest: timer ok: VIRQ_TIMER on port")
        self.assertExit(r, "poweroff")

    def test_rtc_through_port_io(self):
        # guest/rtc_probe.cpp over hv/core/x86/guest_ports: domain 0 reads
        # the CMOS clock with IN/OUT and it agrees with the wall clock the
        # hypervisor published; a domU latches an index but reads all-ones.
        self.require(GUEST, "guest kernel", "guest.elf")
        r = self.boot([(GUEST, "rtc start=1:16:1"), (GUEST, "rtc")])
        self.assertInLog(r, "(d0) Glasshouse rtc: CMOS reads ")
        self.assertInLog(r, "(d1) Glasshouse rtc: index latch reads back 0xb, data port all-ones")
        self.assertExit(r, "poweroff")

    def test_writable_pagetables(self):
        # guest/wpt.cpp: with VMASST_TYPE_writable_pagetables the guest
        # stores straight into its read-only L1 (MOV, then XCHG back); the
        # hypervisor must validate and apply each store, not forward #PF.
        r = self.boot_guest("wpt shutdown=poweroff")
        self.assertInLog(r, "Glasshouse guest: wpt: mov to PTE")
        self.assertInLog(r, "window reads 0x5741424c45505453 (ok)")
        self.assertInLog(r, "Glasshouse guest: wpt: xchg restored PTE")
        self.assertExit(r, "poweroff")

    def test_reboot(self):
        self.assertExit(self.boot_guest("shutdown=reboot"), "reboot")

    def test_crash(self):
        self.assertExit(self.boot_guest("shutdown=crash"), "crash")

    def test_page_fault_without_trap_table_crashes_domain(self):
        r = self.boot_guest("fault=pf")
        self.assertExit(r, "crash")
        lines = r.lines()
        crash = [i for i, line in enumerate(lines) if re.search(r"crash", line, re.I)]
        self.assertTrue(crash, f"no hypervisor line mentions the crash:\n{r.serial_log}")
        after = lines[crash[0]:]
        self.assertTrue(any(re.search(r"\brip\b", line, re.I) for line in after),
                        f"crash report lacks the guest registers (rip):\n{r.serial_log}")


def malformed_images(guest):
    """(label, bytes) for dom0 images the hypervisor must refuse."""
    elf32 = bytearray(52)
    elf32[0:4] = b"\x7fELF"
    elf32[4] = 1   # ELFCLASS32
    elf32[5] = 1   # little endian
    elf32[6] = 1   # EV_CURRENT
    elf32[16] = 2  # ET_EXEC
    elf32[18] = 3  # EM_386
    images = [("empty", b""), ("elf32 header", bytes(elf32)),
              ("random bytes", bytes((i * 167 + 13) % 256 for i in range(4096)))]
    if os.path.isfile(guest):
        with open(guest, "rb") as f:
            images.append(("guest.elf cut at 100 bytes", f.read(100)))
    else:
        images.append(("guest.elf cut at 100 bytes (missing: build guest.elf)", None))
    return images


class MalformedDom0(BootCase):
    def test_malformed_dom0_image_is_refused_with_panic(self):
        self.require(HV, "hypervisor image", "hv.elf")
        with tempfile.TemporaryDirectory(prefix="glasshouse-dom0-") as tmp:
            for i, (label, data) in enumerate(malformed_images(GUEST)):
                with self.subTest(image=label):
                    if data is None:
                        self.fail(label)
                    path = os.path.join(tmp, f"image{i}")
                    with open(path, "wb") as f:
                        f.write(data)
                    r = self.boot([(path, "")])
                    refused = [line for line in r.lines() if line.startswith(REFUSED_PREFIX)]
                    self.assertTrue(refused, f"{label}: no line starting {REFUSED_PREFIX!r} "
                                    f"(ended {r.describe()}):\n{r.serial_log}")
                    self.assertExit(r, "panic")


class XtfExample(BootCase):
    def test_xtf_pv64_example(self):
        kernel = os.path.join(XTF, "tests", "example", "test-pv64-example")
        if not os.path.isfile(kernel):
            self.skipTest(f"XTF not found at {XTF} (set GLASSHOUSE_XTF)")
        r = self.boot([(kernel, "")])
        self.assertInLog(r, "Test result: SUCCESS")
        self.assertExit(r, "poweroff")


if __name__ == "__main__":
    unittest.main(verbosity=2)
