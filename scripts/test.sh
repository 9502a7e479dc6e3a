#!/usr/bin/env bash
# The test command: installs what is missing, builds everything, and runs the
# whole suite with ctest (host unit tests, QEMU boot tests, XTF conformance).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GLASS_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
# Debian's stock kernel for boot_linux_dom0 (one apt-get download, cached in
# build/linux/); if apt cannot fetch it the test skips and says so.
GLASSHOUSE_LINUX_DIR="$build/linux" "$root/scripts/get-linux.sh" >/dev/null ||
  echo "test.sh: no Linux kernel fetched; boot_linux_dom0 will skip"
cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build"
cd "$build"
exec ctest --output-on-failure -j "$(nproc)"
