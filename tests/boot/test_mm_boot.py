#!/usr/bin/env python3
"""Boot test of the page-table hypercalls (issue 4): guest option `mmtest`
as domain 0 and, started by dom0's toolstack, as an unprivileged domU
(foreign mappings refused with -EPERM there). dom0 first creates and
destroys domains (churn=), so its M2P check also covers frames given back.
Run: python3 tests/boot/test_mm_boot.py
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_guest_boot import GUEST, BootCase  # noqa: E402

PASSED = re.compile(r"^\((d\d+)\) Glasshouse mmtest: (\d+) checks passed", re.M)


class MmTest(BootCase):
    def test_mmtest_dom0_and_domu(self):
        self.require(GUEST, "guest kernel", "guest.elf")
        r = self.boot([(GUEST, "churn=1:2 start=1:16:1 mmtest"), (GUEST, "mmtest")], timeout=120)
        failed = [l for l in r.serial_log.splitlines() if "mmtest" in l and "FAILED" in l]
        self.assertEqual(failed, [], r.serial_log)
        passed = {dom: int(n) for dom, n in PASSED.findall(r.serial_log)}
        self.assertIn("d0", passed, r.serial_log)
        self.assertEqual(len(passed), 2, r.serial_log)  # dom0 and the domU
        self.assertGreaterEqual(min(passed.values()), 40)
        self.assertExit(r, "poweroff")


if __name__ == "__main__":
    unittest.main()
