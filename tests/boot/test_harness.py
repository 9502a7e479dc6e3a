#!/usr/bin/env python3
"""Self-test of glasshouse_qemu against a stand-in hypervisor (fake_hv.S).

Needs no hv.bin: fake_hv.S is assembled here (CC, default cc) into a
Multiboot ELF32 that prints two lines on COM1 and writes EXIT_VALUE to the
isa-debug-exit port, or halts forever when EXIT_VALUE is -1.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import glasshouse_qemu as gq  # noqa: E402

CC = os.environ.get("CC", "cc")


class Decoding(unittest.TestCase):
    def test_exit_status_table(self):
        self.assertEqual(gq.exit_kind_of(33), "poweroff")
        self.assertEqual(gq.exit_kind_of(35), "reboot")
        self.assertEqual(gq.exit_kind_of(37), "crash")
        self.assertEqual(gq.exit_kind_of(39), "panic")
        self.assertEqual(gq.exit_kind_of(0), "qemu_exit")
        self.assertEqual(gq.exit_kind_of(1), "qemu_error")
        self.assertEqual(gq.exit_kind_of(3), "other")

    def test_initrd_argument_doubles_commas_in_arguments(self):
        with tempfile.NamedTemporaryFile() as f:
            self.assertEqual(gq.initrd_argument([(f.name, "a,b c"), (f.name, "")]),
                             f"{f.name} a,,b c,{f.name}")

    def test_paths_qemu_cannot_carry_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("a,b", "a b"):
                path = os.path.join(d, name)
                open(path, "w").close()
                with self.assertRaises(gq.ModuleError):
                    gq.initrd_argument([(path, "")])
        with self.assertRaises(gq.ModuleError):
            gq.initrd_argument([("/nonexistent/kernel", "")])


@unittest.skipUnless(shutil.which(CC) and shutil.which(gq.QEMU), "needs cc and QEMU")
class FakeHypervisor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="glasshouse-fakehv-")
        cls.images = {}
        for value in (0x10, 0x11, 0x12, 0x13, -1):
            obj = os.path.join(cls.tmp.name, f"fake{value}.o")
            elf = os.path.join(cls.tmp.name, f"fake{value}.elf")
            subprocess.run([CC, "-m32", "-c", f"-DEXIT_VALUE={value}",
                            os.path.join(HERE, "fake_hv.S"), "-o", obj], check=True)
            subprocess.run(["ld", "-m", "elf_i386", "-Ttext=0x100000", "-e", "_start",
                            obj, "-o", elf], check=True)
            cls.images[value] = elf

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_debug_exit_values_decode(self):
        for value, kind in gq.DEBUG_EXIT_VALUES.items():
            with self.subTest(kind=kind):
                r = gq.boot(self.images[value], [], timeout=20)
                self.assertEqual(r.exit_kind, kind, r.describe())
                # SeaBIOS's banner is split off; the hypervisor's lines are whole.
                self.assertEqual(r.lines(), ["fake hv: hello", "fake hv: bye"])
                self.assertIn("SeaBIOS", r.firmware_log)

    def test_modules_reach_qemu(self):
        r = gq.boot(self.images[0x10], [(self.images[-1], "x,y z"), (self.images[0x11], "")],
                    timeout=20)
        self.assertEqual(r.exit_kind, "poweroff", r.describe() + r.qemu_stderr)

    def test_timeout_kills_the_process_group(self):
        r = gq.boot(self.images[-1], [], timeout=2)
        self.assertEqual(r.exit_kind, "timeout")
        self.assertIsNone(r.exit_status)
        self.assertIn("fake hv: bye", r.serial_log)

    def test_stop_on_ends_a_halting_hypervisor(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "serial.log")
            r = gq.boot(self.images[-1], [], timeout=30, stop_on=r"bye$", stop_grace=0.5,
                        log_path=log)
            self.assertEqual(r.exit_kind, "stopped")
            self.assertLess(r.duration, 10)
            with open(log) as f:
                self.assertEqual(f.read(), r.serial_log)

    def test_qemu_error(self):
        r = gq.boot(self.images[0x10], [], timeout=20, extra_qemu_args=["-no-such-option"])
        self.assertEqual(r.exit_kind, "qemu_error")
        self.assertIn("no-such-option", r.qemu_stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
