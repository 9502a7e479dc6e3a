#!/usr/bin/env python3
"""Boot a Multiboot hypervisor and its dom0 under QEMU TCG and report how it ended.

Every test that boots the real hypervisor goes through `boot()`, so the QEMU
command line and the meaning of QEMU's exit status live here and nowhere else.

Exit-status contract (the hypervisor implements it, this module decodes it)
--------------------------------------------------------------------------
QEMU runs with `-device isa-debug-exit,iobase=0xf4,iosize=0x04`. When the
hypervisor writes a 32-bit value v to I/O port 0xf4, QEMU exits at once with
status (v << 1) | 1:

    value  QEMU status  exit_kind   meaning
    0x10   33           poweroff    domain 0 shut down with SHUTDOWN_poweroff
    0x11   35           reboot      domain 0 shut down with SHUTDOWN_reboot
    0x12   37           crash       domain 0 crashed (SHUTDOWN_crash, or the
                                    hypervisor killed it)
    0x13   39           panic       the hypervisor itself panicked (this
                                    includes refusing the dom0 image)

Anything else is reported as what it is, never guessed:

    exit_kind   when
    qemu_exit   QEMU ended by itself with status 0: -no-reboot turned a reset
                or triple fault into an exit, or a hypervisor that does not
                use isa-debug-exit (real Xen) powered the machine off
    qemu_error  QEMU status 1 (bad option, unreadable image, ...) or QEMU
                could not be started
    timeout     the time limit passed; the whole process group was killed
    stopped     `stop_on` matched a serial line and QEMU did not exit by
                itself within `stop_grace` seconds, so it was killed
    other       any other status (an unknown debug-exit value, a signal)

A hypervisor that is not Glasshouse (e.g. Xen 4.17, which halts instead of
exiting) never writes port 0xf4: callers then judge from the serial log,
which is why `stop_on` exists.

QEMU's Multiboot loader and -initrd
-----------------------------------
`-initrd "FILE ARGS,FILE2 ARGS2"` loads one Multiboot module per
comma-separated item; each module's string is the whole item (file name,
then its arguments). QEMU splits items with its option parser, in which
",," stands for a literal comma, and splits the file name from the
arguments at the first space. So: a path may contain neither a comma nor a
space (refused here with ModuleError), and commas in arguments are written
doubled, which `initrd_argument()` does.

Library: `boot(hv, [(path, args), ...], hv_args=..., ...) -> BootResult`.
CLI: `python3 glasshouse_qemu.py --hv HV --module "PATH ARGS" [--timeout S]
[--expect-line TEXT]... [--expect-exit KIND] [--stop-on REGEX]` prints the serial log live and
exits 0 iff every expectation holds, otherwise non-zero with a one-line
reason.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import Callable, Iterable, Optional, Sequence, TextIO, Union

DEBUG_EXIT_PORT = 0xF4

# Hypervisor-side value written to DEBUG_EXIT_PORT -> exit_kind.
DEBUG_EXIT_VALUES = {
    0x10: "poweroff",
    0x11: "reboot",
    0x12: "crash",
    0x13: "panic",
}

# QEMU process status -> exit_kind, derived from the table above.
EXIT_STATUS_KINDS = {(v << 1) | 1: kind for v, kind in DEBUG_EXIT_VALUES.items()}

EXIT_KINDS = frozenset(
    list(DEBUG_EXIT_VALUES.values())
    + ["qemu_exit", "qemu_error", "timeout", "stopped", "other"]
)

DEFAULT_MEMORY_MB = 512
QEMU = os.environ.get("GLASSHOUSE_QEMU", "qemu-system-x86_64")


class ModuleError(ValueError):
    """A module or hypervisor path QEMU's Multiboot loader cannot express."""


@dataclasses.dataclass
class BootResult:
    exit_kind: str          # one of EXIT_KINDS
    exit_status: Optional[int]  # QEMU's status; None after a kill
    serial_log: str         # COM1 output, CRLF normalised to LF, terminal
                            # control sequences removed
    duration: float         # seconds, wall clock
    qemu_stderr: str = ""
    command: Sequence[str] = ()
    firmware_log: str = ""  # SeaBIOS's banner, split off the serial log

    def lines(self) -> list[str]:
        return self.serial_log.splitlines()

    def describe(self) -> str:
        status = "killed" if self.exit_status is None else f"status {self.exit_status}"
        return f"{self.exit_kind} ({status}, {self.duration:.1f}s)"


def exit_kind_of(status: int) -> str:
    """Decodes a QEMU exit status (see the module docstring)."""
    if status in EXIT_STATUS_KINDS:
        return EXIT_STATUS_KINDS[status]
    if status == 0:
        return "qemu_exit"
    if status == 1:
        return "qemu_error"
    return "other"


def _check_path(path: str, what: str) -> None:
    if "," in path:
        raise ModuleError(f"{what} path {path!r} contains a comma, which QEMU's "
                          "-initrd list cannot carry; move or link the file")
    if any(c.isspace() for c in path):
        raise ModuleError(f"{what} path {path!r} contains white space, which "
                          "Multiboot module strings cannot carry; move or link the file")
    if not os.path.isfile(path):
        raise ModuleError(f"{what} {path!r} does not exist (not built yet?)")


def initrd_argument(modules: Iterable[tuple[str, str]]) -> str:
    """Builds QEMU's -initrd value: "PATH ARGS,PATH2 ARGS2", commas in ARGS doubled."""
    items = []
    for path, args in modules:
        _check_path(path, "module")
        args = (args or "").strip()
        items.append(path + (" " + args.replace(",", ",,") if args else ""))
    return ",".join(items)


def shared_memory_args(path: str, memory_mb: int) -> list[str]:
    """Guest RAM in the file `path`, shared, so host tools (introspect/)
    read it live: RAM below the PCI hole at file offset = address, the rest
    (from 4 GiB) after it."""
    return ["-object", f"memory-backend-file,id=glassram,size={memory_mb}M,"
                       f"mem-path={path},share=on",
            "-machine", "memory-backend=glassram"]


def socket_serial_args(name: str, port: int) -> list[str]:
    """One serial port as a TCP server on 127.0.0.1:port. nodelay=on: without
    it every reply waits for TCP's delayed acknowledgement (about 40 ms);
    wait=off: QEMU starts without waiting for a client."""
    return ["-chardev", f"socket,id={name},host=127.0.0.1,port={port},"
                        "server=on,wait=off,nodelay=on", "-serial", f"chardev:{name}"]


def debug_serial_args(gdb_port: Optional[int], control_port: Optional[int]) -> list[str]:
    """COM2 (the debugger's port, gdb=com2) and COM3 (the control port,
    control=com3) as sockets. QEMU numbers serial ports in -serial order
    after COM1 (stdio), so COM2 is a null device when only COM3 is wanted."""
    if gdb_port is None and control_port is None:
        return []
    args = socket_serial_args("gdb0", gdb_port) if gdb_port is not None else ["-serial", "null"]
    if control_port is not None:
        args += socket_serial_args("control0", control_port)
    return args


def with_server_options(hv_args: str, gdb_port: Optional[int],
                        control_port: Optional[int]) -> str:
    """Adds gdb=com2 / control=com3 to the hypervisor's command line for the
    ports that are wired, unless the caller chose them already."""
    words = hv_args.split()
    if gdb_port is not None and not any(w.startswith("gdb=") for w in words):
        words.append("gdb=com2")
    if control_port is not None and not any(w.startswith("control=") for w in words):
        words.append("control=com3")
    return " ".join(words)


def qemu_command(hv: str, modules: Sequence[tuple[str, str]], hv_args: str = "",
                 smp: int = 2, memory_mb: int = DEFAULT_MEMORY_MB,
                 extra_qemu_args: Sequence[str] = (), icount: Union[bool, int] = False,
                 shared_memory: Optional[str] = None, gdb_port: Optional[int] = None,
                 control_port: Optional[int] = None) -> list[str]:
    """gdb_port / control_port: serve COM2 / COM3 on these TCP ports and
    start the hypervisor's debugger / control server there."""
    _check_path(hv, "hypervisor")
    hv_args = with_server_options(hv_args, gdb_port, control_port)
    cmd = [
        QEMU, "-accel", "tcg", "-cpu", "max,-smap,-smep",
        "-m", str(memory_mb), "-smp", str(smp),
        "-nographic", "-display", "none", "-no-reboot", "-monitor", "none",
        "-serial", "stdio", *debug_serial_args(gdb_port, control_port), "-nic", "none",
        "-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04",
        "-kernel", hv, "-append", hv_args,
    ]
    if modules:
        cmd += ["-initrd", initrd_argument(modules)]
    if icount is not False and icount is not None:
        # True: QEMU adapts the shift to real time (timing follows executed
        # instructions, but the ratio drifts with what ran before); an int
        # fixes 2^shift ns per instruction, so figures repeat run to run.
        shift = "auto" if icount is True else str(int(icount))
        cmd += ["-icount", f"shift={shift},sleep=off"]
    if shared_memory:
        cmd += shared_memory_args(shared_memory, memory_mb)
    cmd += list(extra_qemu_args)
    return cmd


# SeaBIOS's last words before -kernel runs: "Booting from ROM.." and, as the
# option ROM starts the kernel, often a third "." and CRLF.
FIRMWARE_END = re.compile(r"Booting from ROM\.*")
FIRMWARE_MAX_BYTES = 4096
# Terminal resets and CSI sequences (SeaBIOS's sercon, Xen's console start)
# would otherwise sit in front of the first line and break prefix checks.
TERMINAL_CONTROL = re.compile(r"\x1b(?:c|\[[0-9;?]*[A-Za-z])")


class _SerialReader(threading.Thread):
    """Reads QEMU's stdout (COM1) line by line, normalising CRLF.

    SeaBIOS writes its banner to COM1 and ends with FIRMWARE_END, with no
    newline, so the hypervisor's first line would start after it. Output up
    to that marker is kept apart (firmware_lines); lines are held back until
    the marker shows, or FIRMWARE_MAX_BYTES pass without it.
    """

    def __init__(self, stream, on_line: Callable[[str], None]):
        super().__init__(daemon=True)
        self.stream = stream
        self.on_line = on_line
        self.lines: list[str] = []
        self.firmware_lines: list[str] = []
        self._held: list[str] = []
        self._held_bytes = 0
        self._in_firmware = True

    def run(self) -> None:
        pending = b""
        while True:
            chunk = self.stream.read1(4096)
            if not chunk:
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                self._take(raw)
        if pending:
            self._take(pending)
        self._release()

    def _take(self, raw: bytes) -> None:
        line = raw.decode("utf-8", errors="replace").rstrip("\r")
        line = TERMINAL_CONTROL.sub("", line)
        if not self._in_firmware:
            self._emit(line)
            return
        end = FIRMWARE_END.search(line)
        if end:
            rest = line[end.end():]
            self.firmware_lines += self._held + [line[:end.end()]]
            self._held = []
            self._in_firmware = False
            if rest:
                self._emit(rest)
            return
        self._held.append(line)
        self._held_bytes += len(raw) + 1
        if self._held_bytes > FIRMWARE_MAX_BYTES:
            self._release()

    def _release(self) -> None:
        """No firmware marker: what was held is the hypervisor's output."""
        self._in_firmware = False
        held, self._held = self._held, []
        for line in held:
            self._emit(line)

    def _emit(self, line: str) -> None:
        self.lines.append(line)
        self.on_line(line)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def boot(hv: str, modules: Sequence[tuple[str, str]], hv_args: str = "",
         timeout: float = 60, smp: int = 2, memory_mb: int = DEFAULT_MEMORY_MB,
         extra_qemu_args: Sequence[str] = (), icount: Union[bool, int] = False,
         log_path: Optional[str] = None, echo: Optional[TextIO] = None,
         stop_on: Optional[str] = None, stop_grace: float = 3.0,
         shared_memory: Optional[str] = None, gdb_port: Optional[int] = None,
         control_port: Optional[int] = None) -> BootResult:
    """Boots `hv` with `modules` (module 0 is dom0's kernel) and waits for QEMU.

    log_path: also stream the serial log to this file (for CI logs).
    echo: write each serial line here as it arrives (e.g. sys.stdout).
    stop_on: regex; once a serial line matches, QEMU gets `stop_grace`
      seconds to exit by itself before it is killed (exit_kind "stopped").
      For hypervisors that halt instead of using isa-debug-exit.
    shared_memory: keep guest RAM in this file (shared_memory_args).
    gdb_port, control_port: COM2 / COM3 on TCP sockets (debug_serial_args).
    Raises ModuleError for paths QEMU cannot express or that do not exist.
    """
    cmd = qemu_command(hv, modules, hv_args, smp, memory_mb, extra_qemu_args, icount,
                       shared_memory, gdb_port, control_port)
    log_file = open(log_path, "w", encoding="utf-8") if log_path else None
    stop_re = re.compile(stop_on) if stop_on else None
    stop_deadline: list[float] = []
    lock = threading.Lock()

    def on_line(line: str) -> None:
        with lock:
            if log_file:
                log_file.write(line + "\n")
                log_file.flush()
            if echo:
                echo.write(line + "\n")
                echo.flush()
            if stop_re and not stop_deadline and stop_re.search(line):
                stop_deadline.append(time.monotonic() + stop_grace)

    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        if log_file:
            log_file.close()
        return BootResult("qemu_error", None, "", 0.0, f"cannot start {cmd[0]}: {e}", cmd)

    reader = _SerialReader(proc.stdout, on_line)
    reader.start()
    stderr_chunks: list[bytes] = []
    err_reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()),
                                  daemon=True)
    err_reader.start()

    kind: Optional[str] = None
    deadline = start + timeout
    while proc.poll() is None:
        now = time.monotonic()
        if now >= deadline:
            kind = "timeout"
        elif stop_deadline and now >= stop_deadline[0]:
            kind = "stopped"
        if kind:
            _kill_group(proc)
            break
        time.sleep(0.05)
    # QEMU may leave helpers behind in its group; never leak them.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    reader.join(5)
    err_reader.join(5)
    proc.stdout.close()
    proc.stderr.close()
    duration = time.monotonic() - start
    if log_file:
        log_file.close()

    status = proc.returncode
    if kind:
        status = None
    else:
        kind = exit_kind_of(status)
    stderr = b"".join(c for c in stderr_chunks if c).decode("utf-8", errors="replace")
    return BootResult(kind, status, _text(reader.lines), duration, stderr, cmd,
                      _text(reader.firmware_lines))


class Running:
    """QEMU started in the background, for tests that talk to the hypervisor
    while it runs (control port, gdb, introspection). Same command line as
    boot(); the serial log is collected as it arrives.

        with Running(hv, modules, control_port=port) as q:
            q.wait_for("beat 3", 60)
            ...
    """

    def __init__(self, hv: str, modules: Sequence[tuple[str, str]], hv_args: str = "",
                 smp: int = 2, memory_mb: int = DEFAULT_MEMORY_MB,
                 extra_qemu_args: Sequence[str] = (), icount: Union[bool, int] = False,
                 shared_memory: Optional[str] = None, gdb_port: Optional[int] = None,
                 control_port: Optional[int] = None, echo: Optional[TextIO] = None):
        self.command = qemu_command(hv, modules, hv_args, smp, memory_mb, extra_qemu_args,
                                    icount, shared_memory, gdb_port, control_port)
        self._cond = threading.Condition()
        self._echo = echo
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self._reader = _SerialReader(self.proc.stdout, self._on_line)
        self._reader.start()

    def _on_line(self, line: str) -> None:
        with self._cond:
            if self._echo:
                self._echo.write(line + "\n")
                self._echo.flush()
            self._cond.notify_all()

    def lines(self) -> list[str]:
        with self._cond:
            return list(self._reader.lines)

    @property
    def log(self) -> str:
        return _text(self.lines())

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> Optional[re.Match]:
        """First serial line from index `start` on matching the regex, or
        None when QEMU ends or `timeout` seconds pass first."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self._reader.lines[start:]:
                    m = rx.search(line)
                    if m:
                        return m
                start = len(self._reader.lines)
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    return None
                self._cond.wait(min(left, 0.1))

    def stop(self) -> None:
        if self.proc.poll() is None:
            _kill_group(self.proc)
        self._reader.join(5)
        self.proc.stdout.close()

    def __enter__(self) -> "Running":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def parse_module(spec: str) -> tuple[str, str]:
    """"PATH ARGS" -> (PATH, ARGS); the path is the first word."""
    path, _, args = spec.strip().partition(" ")
    return path, args.strip()


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hv", required=True, help="hypervisor image (Multiboot)")
    ap.add_argument("--hv-args", default="", help="hypervisor command line")
    ap.add_argument("--module", action="append", default=[], metavar='"PATH ARGS"',
                    help="Multiboot module, in order; the first is dom0's kernel")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, help="MiB")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--log", help="also write the serial log to this file")
    ap.add_argument("--expect-line", action="append", default=[], metavar="TEXT",
                    help="the serial log must contain TEXT (substring); repeatable")
    ap.add_argument("--expect-exit", choices=sorted(EXIT_KINDS),
                    help="the run must end this way")
    ap.add_argument("--stop-on", metavar="REGEX",
                    help="stop QEMU shortly after a serial line matches (for a "
                         "hypervisor that halts instead of exiting, e.g. Xen)")
    ap.add_argument("--quiet", action="store_true", help="do not echo the serial log")
    ap.add_argument("--qemu-arg", action="append", default=[], help="extra QEMU argument")
    ap.add_argument("--shared-memory", metavar="FILE",
                    help="guest RAM in FILE, for `glass inspect --mem FILE`")
    ap.add_argument("--gdb-port", type=int, metavar="PORT",
                    help="COM2 on 127.0.0.1:PORT and gdb=com2 (stock gdb's connection)")
    ap.add_argument("--control-port", type=int, metavar="PORT",
                    help="COM3 on 127.0.0.1:PORT and control=com3 (glass ctl, the workbench)")
    ap.add_argument("--print-command", action="store_true",
                    help="print the QEMU command (arguments NUL-separated) and exit, "
                         "for tools that run QEMU themselves (the workbench)")
    args = ap.parse_args(argv)

    if args.print_command:
        try:
            cmd = qemu_command(args.hv, [parse_module(m) for m in args.module], args.hv_args,
                               smp=args.smp, memory_mb=args.memory,
                               extra_qemu_args=args.qemu_arg, icount=args.icount,
                               shared_memory=args.shared_memory, gdb_port=args.gdb_port,
                               control_port=args.control_port)
        except ModuleError as e:
            print(f"glasshouse_qemu: FAIL: {e}", file=sys.stderr)
            return 2
        sys.stdout.write("\0".join(cmd))
        return 0

    try:
        result = boot(args.hv, [parse_module(m) for m in args.module], args.hv_args,
                      timeout=args.timeout, smp=args.smp, memory_mb=args.memory,
                      extra_qemu_args=args.qemu_arg, icount=args.icount,
                      log_path=args.log, echo=None if args.quiet else sys.stdout,
                      stop_on=args.stop_on, shared_memory=args.shared_memory,
                      gdb_port=args.gdb_port, control_port=args.control_port)
    except ModuleError as e:
        print(f"glasshouse_qemu: FAIL: {e}", file=sys.stderr)
        return 2

    if result.qemu_stderr.strip():
        sys.stderr.write(result.qemu_stderr)
    print(f"glasshouse_qemu: ended: {result.describe()}", file=sys.stderr)
    log = result.serial_log
    for text in args.expect_line:
        if text not in log:
            print(f"glasshouse_qemu: FAIL: serial log lacks {text!r} "
                  f"(ended {result.describe()})", file=sys.stderr)
            return 1
    if args.expect_exit and result.exit_kind != args.expect_exit:
        print(f"glasshouse_qemu: FAIL: expected exit {args.expect_exit}, got "
              f"{result.describe()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
