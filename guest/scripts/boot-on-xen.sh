#!/bin/sh
# Boots guest.elf as dom0 of a real Xen under QEMU TCG, as a reference for
# what our hypervisor should print (README.md). Needs the Debian package
# xen-hypervisor-4.17-amd64.
#   usage: boot-on-xen.sh GUEST_ELF ["guest options"] [timeout seconds]
# Poweroff and crash leave Xen halted, so the timeout ends those runs.
set -eu
elf=$1
options=${2:-}
seconds=${3:-120}
xen=${XEN_IMAGE:-/tmp/xen-4.17-amd64}
# QEMU's -kernel wants Xen's ELF32 container uncompressed.
[ -f "$xen" ] || zcat /boot/xen-4.17-amd64.gz > "$xen"
timeout "$seconds" qemu-system-x86_64 -accel tcg -cpu max,-smap,-smep -m 1024 -smp 1 \
    -nographic -no-reboot -monitor none -serial stdio -kernel "$xen" \
    -append "loglvl=all guest_loglvl=all console=com1 noreboot dom0_mem=64M" \
    -initrd "$elf $options" | tr -d '\r' || true
