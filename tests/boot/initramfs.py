"""Writes a Linux initramfs: an uncompressed cpio archive in the "newc"
format (the kernel's Documentation/driver-api/early-userspace/buffer-format
describes it), made here from Debian's files so no tool beyond Python runs.

Entries are (path, mode, data) for files and directories, or
(path, mode, (major, minor)) for character devices.
"""

import stat

_MAGIC = b"070701"


def _header(ino: int, mode: int, size: int, rdev: tuple[int, int], name: bytes) -> bytes:
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
    return _MAGIC + b"".join(b"%08x" % f for f in fields) + name + b"\0"


def _pad(buf: bytearray) -> None:
    buf.extend(b"\0" * (-len(buf) % 4))


def build(entries) -> bytes:
    out = bytearray()
    for ino, (path, mode, payload) in enumerate(entries, start=1):
        name = path.lstrip("/").encode()
        rdev = (0, 0)
        data = b""
        if stat.S_ISCHR(mode):
            rdev = payload
        elif payload:
            data = payload
        out += _header(ino, mode, len(data), rdev, name)
        _pad(out)
        out += data
        _pad(out)
    out += _header(0, 0, 0, (0, 0), b"TRAILER!!!")
    _pad(out)
    out.extend(b"\0" * (-len(out) % 512))
    return bytes(out)


def busybox_init(busybox: bytes, script: str) -> bytes:
    """An initramfs whose /init is `script`, run by Debian's static busybox."""
    return build([
        ("dev", stat.S_IFDIR | 0o755, None),
        ("dev/console", stat.S_IFCHR | 0o600, (5, 1)),
        ("bin", stat.S_IFDIR | 0o755, None),
        ("bin/busybox", stat.S_IFREG | 0o755, busybox),
        ("proc", stat.S_IFDIR | 0o755, None),
        ("sys", stat.S_IFDIR | 0o755, None),
        ("init", stat.S_IFREG | 0o755, ("#!/bin/busybox sh\n" + script).encode()),
    ])
