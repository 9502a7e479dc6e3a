#!/usr/bin/env bash
# Fetches Debian 12's stock kernel (the linux-image-6.1.0-*-amd64 package that
# linux-image-amd64 depends on) with apt, and leaves its ELF vmlinux in the
# cache directory for booting as a Xen PV domain 0 (README "Linux").
#
# Xen's own dom0 builder decompresses a bzImage itself; Glasshouse's builder
# takes ELF only, so the payload is taken out of the bzImage here, on the
# host: the boot-protocol header says where the compressed payload is
# (setup_sects at 0x1f1, payload_offset at 0x248, payload_length at 0x24c)
# and its magic says which Debian tool decompresses it.
#
# Idempotent and quiet when the vmlinux is already there. Prints its path.
# Usage: scripts/get-linux.sh [CACHE_DIR]   (default: build/linux)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${1:-${GLASSHOUSE_LINUX_DIR:-$repo/build/linux}}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

if [ -s "$cache/vmlinux" ] && [ -s "$cache/version" ]; then
  echo "$cache/vmlinux"
  exit 0
fi

# The versioned package linux-image-amd64 currently depends on.
pkg="$(apt-cache depends linux-image-amd64 2>/dev/null |
  sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)"
if [ -z "$pkg" ]; then
  apt-get update -qq >/dev/null 2>&1 || true
  pkg="$(apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)"
fi
if [ -z "$pkg" ]; then
  echo "get-linux: apt knows no linux-image-6.1.0-*-amd64 behind linux-image-amd64" >&2
  exit 1
fi

work="$(mktemp -d "$cache/tmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# apt's _apt user must be able to write the download directory.
chmod 0777 "$work"
(cd "$work" && apt-get download -qq "$pkg" >/dev/null 2>&1) || {
  echo "get-linux: apt-get download $pkg failed" >&2
  exit 1
}
deb="$(ls "$work"/*.deb)"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards './boot/vmlinuz-*'
vmlinuz="$(ls "$work"/boot/vmlinuz-*)"

python3 - "$vmlinuz" "$work/payload" "$work/format" <<'EOF'
import struct, sys
src, out, fmt = sys.argv[1:4]
d = open(src, "rb").read()
if d[0x202:0x206] != b"HdrS":
    sys.exit(f"get-linux: {src} is not a bzImage (no HdrS boot header)")
setup_sects = d[0x1f1] or 4
offset, length = struct.unpack_from("<II", d, 0x248)
start = (setup_sects + 1) * 512 + offset
payload = d[start:start + length]
magics = [(b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"), (b"\x1f\x8b", "gzip")]
for magic, name in magics:
    if payload.startswith(magic):
        open(out, "wb").write(payload)
        open(fmt, "w").write(name)
        break
else:
    sys.exit(f"get-linux: unknown payload compression (starts {payload[:6].hex()})")
EOF

# The payload ends with the 4-byte decompressed size the boot stub reads, so
# the tools may report trailing data; the ELF is whole regardless, and is
# checked below.
case "$(cat "$work/format")" in
  xz) xz -dc --single-stream <"$work/payload" >"$work/vmlinux" 2>/dev/null || true ;;
  zstd) zstd -dcq <"$work/payload" >"$work/vmlinux" 2>/dev/null || true ;;
  gzip) gzip -dc <"$work/payload" >"$work/vmlinux" 2>/dev/null || true ;;
esac
if [ "$(head -c4 "$work/vmlinux" | od -An -tx1 | tr -d ' ')" != "7f454c46" ]; then
  echo "get-linux: the decompressed payload is not an ELF file" >&2
  exit 1
fi

mv "$work/vmlinux" "$cache/vmlinux"
echo "$pkg $(basename "$deb")" >"$cache/version"
echo "$cache/vmlinux"
