#!/usr/bin/env bash
# Installs the Debian 12 packages Glasshouse needs. Idempotent and quiet when
# everything is already present, so the two README commands can call it every
# time. Must run as root (or with sudo available) on Debian 12.
set -euo pipefail

packages=(
  build-essential cmake ninja-build clang-format
  qemu-system-x86 gdb python3
  clang libclang-rt-14-dev
  catch2
  libimgui-dev libglfw3-dev libcapstone-dev libpng-dev fonts-dejavu-core
  xvfb xauth
  libzstd-dev pkg-config
  busybox-static file
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
