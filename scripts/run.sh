#!/usr/bin/env bash
# The main job: installs what is missing, builds everything, then boots the
# Glasshouse hypervisor under QEMU with our PV guest as domain 0 and shows the
# serial console here. Arguments become the guest's command line
# (default: "shutdown=poweroff"; see guest/README.md).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GLASS_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build"

guest_args=${*:-shutdown=poweroff}
exec python3 "$root/tests/boot/glasshouse_qemu.py" \
    --hv "$build/hv/hv.bin" --hv-args "loglvl=info" \
    --module "$build/guest/guest.elf $guest_args" --timeout 60
