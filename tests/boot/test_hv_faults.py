#!/usr/bin/env python3
"""A fault inside the hypervisor itself (hv option debug_fault=) must produce
the unexpected-exception report and end the machine with the panic status,
never a silent triple fault or a hang."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glasshouse_qemu  # noqa: E402
from test_guest_boot import GUEST, HV, HV_ARGS, TIMEOUT, BootCase  # noqa: E402


class HypervisorFault(BootCase):
    def fault(self, kind):
        self.require(HV, "hypervisor image", "hv.elf")
        self.require(GUEST, "guest kernel", "guest.elf")
        r = glasshouse_qemu.boot(HV, [(GUEST, "")], f"{HV_ARGS} debug_fault={kind}",
                                 timeout=TIMEOUT)
        self.assertExit(r, "panic")
        return r

    def test_page_fault_report(self):
        r = self.fault("pf")
        self.assertInLog(r, "hv: ERROR: unexpected exception 14 in the hypervisor")
        self.assertInLog(r, "cr2 ffff810000000000")
        self.assertInLog(r, "no domain running")
        self.assertInLog(r, "hv: ERROR: PANIC: hypervisor exception 14")

    def test_invalid_opcode_report(self):
        r = self.fault("ud")
        self.assertInLog(r, "hv: ERROR: unexpected exception 6 in the hypervisor")
        self.assertInLog(r, "rip ffff82d0")

    def test_general_protection_report(self):
        r = self.fault("gp")
        self.assertInLog(r, "hv: ERROR: unexpected exception 13 in the hypervisor, error code 0")


if __name__ == "__main__":
    unittest.main()
