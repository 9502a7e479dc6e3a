#!/usr/bin/env python3
"""Records a sample trace (traces/samples/README.md): boots the hypervisor
in QEMU with HV_ARGS and our guest with GUEST_ARGS as domain 0, and runs
`glass trace record --join` beside it until domain 0 shuts down.
Run from the repository root after building:
  python3 tests/replay/record_sample.py OUT "GUEST_ARGS" "HV_ARGS" ["DOMU_ARGS" ...]
Each DOMU_ARGS is one more boot module (our guest with those arguments),
for domain 0's `start=` options.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import glasshouse_qemu  # noqa: E402


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, guest_args, hv_args = sys.argv[1:4]
    modules = [("build/guest/guest.elf", a) for a in [guest_args, *sys.argv[4:]]]
    mem = f"/dev/shm/glass-sample-{os.getpid()}.ram"
    try:
        with glasshouse_qemu.Running("build/hv/hv.bin", modules,
                                     hv_args=hv_args, shared_memory=mem) as q:
            rec = subprocess.run(["build/introspect/glass", "trace", "record", "--join", "--mem",
                                  mem, "--hv-elf", "build/hv/hv.elf", out],
                                 capture_output=True, text=True, timeout=150)
            q.wait_for(r"domain 0 shut down", 30)
    finally:
        if os.path.exists(mem):
            os.unlink(mem)
    sys.stdout.write(rec.stdout.splitlines()[-1] + "\n" if rec.stdout else "")
    if rec.returncode != 0:
        sys.exit(f"glass trace record failed:\n{rec.stderr}")


if __name__ == "__main__":
    main()
