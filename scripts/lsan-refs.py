#!/usr/bin/env python3
"""Where does a process still point at the blocks LeakSanitizer called leaked?

LeakSanitizer scans memory for words equal to a block's address. Swift stores some
pointers altered: a multi-payload enum keeps its case number in a pointer's top bits, and
an object's reference-count word holds its weak-reference side table as (address >> 3)
with the top two bits set. This tool runs a program built with `--sanitize=address`, lets
LeakSanitizer report at exit, and while the process sleeps before dying (ASan's
`sleep_before_dying`) reads its writable memory and lists, for every reported block, each
word that refers to it — plain, enum-tagged or as a side-table reference count — and asks
ASan (`__asan_describe_address`, through gdb) which heap block holds that word and whether
that block is live. Evidence for docs/sanitizers.md; needs root (or ptrace rights) and gdb.

    scripts/lsan-refs.py repl .build/asan/release/m2t 'fn f(a) { a }' 'f(1)'
    scripts/lsan-refs.py run ./program args…

With LSAN_REFS_REPORT=1 in the environment it also prints LeakSanitizer's report.

`repl` types each line into `m2t repl` on a pseudo-terminal, then Ctrl-D; `run` runs the
command with standard input from /dev/null.
"""
import os, pty, re, select, subprocess, sys, tempfile, time

OPTIONS = {"ASAN_OPTIONS": "detect_leaks=1:sleep_before_dying=600",
           "LSAN_OPTIONS": "report_objects=1"}
ADDRESS = 0x00FFFFFFFFFFFFF8    # the bits of an 8-byte-aligned user-space heap address
SIDE_TABLE_MARK = 0xC000000000000000  # UseSlowRC | SideTableMark in a refcount word


def read_until(fd, markers, timeout, sink):
    """Appends what `fd` gives to `sink` (a bytearray) until one of `markers` shows or EOF."""
    deadline = time.time() + timeout
    while not any(m.encode() in sink for m in markers.split("|")) and time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            sink += chunk


def start_repl(binary, lines):
    env = {"TERM": "dumb", "HOME": tempfile.gettempdir(), "PATH": "/usr/bin:/bin",
           "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no", **OPTIONS}
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "repl", "--no-history"], env)
    out = bytearray()
    read_until(fd, ">>> ", 60, out)
    for line in lines:
        del out[:]
        os.write(fd, line.encode() + b"\r")
        read_until(fd, ">>> |... ", 60, out)
    del out[:]
    os.write(fd, b"\x04")
    return pid, fd, out


def start_run(argv):
    r, w = os.pipe()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=w, env={**os.environ, **OPTIONS})
    os.close(w)
    return proc.pid, r, bytearray()


def scan(pid, blocks):
    """Every word of the process's writable memory that refers to one of `blocks`."""
    hits = {a: [] for a in blocks}
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for entry in maps:
            fields = entry.split()
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            # Writable mappings, except ASan's shadow (terabytes reserved, mostly untouched).
            if "w" not in fields[1] or hi - lo >= 1 << 32:
                continue
            try:
                mem.seek(lo)
                words = memoryview(mem.read(hi - lo)).cast("Q")
            except OSError:
                continue
            for i, w in enumerate(words):
                if w in hits:
                    kind = "plain"
                elif w >> 56 and w & ADDRESS in hits:
                    kind = f"enum-tagged (top byte 0x{w >> 56:02x})"
                elif w & SIDE_TABLE_MARK == SIDE_TABLE_MARK and (w << 3) & ADDRESS in hits:
                    kind = "side-table refcount word"
                else:
                    continue
                target = w if kind == "plain" else (w & ADDRESS if kind.startswith("enum") else (w << 3) & ADDRESS)
                name = fields[5] if len(fields) > 5 else f"an anonymous mapping of {(hi - lo) >> 10} KiB"
                hits[target].append((lo + 8 * i, w, kind, name))
    return hits


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("repl", "run"):
        sys.exit(__doc__)
    if sys.argv[1] == "repl":
        pid, fd, out = start_repl(sys.argv[2], sys.argv[3:])
    else:
        pid, fd, out = start_run(sys.argv[2:])
    read_until(fd, "Sleeping for", 600, out)
    report = out.decode(errors="replace")
    if "Sleeping for" not in report:
        print("LeakSanitizer reported nothing")
        return
    blocks = {int(a, 16): int(n) for a, n in re.findall(r"^(0x[0-9a-f]+) \((\d+) bytes\)", report, re.M)}
    print(report if os.environ.get("LSAN_REFS_REPORT") else re.search(r"SUMMARY: .*", report).group(0))
    hits = scan(pid, blocks)

    def in_reported(addr):
        return any(a <= addr < a + n for a, n in blocks.items())

    holders = []
    for a, n in sorted(blocks.items()):
        print(f"\nreported block 0x{a:x} ({n} bytes):")
        for where, w, kind, name in hits[a]:
            if name.startswith("[stack]"):
                continue  # the main thread's stack below the exit path: stale frames
            inside = "inside a reported block" if in_reported(where) else "outside every reported block"
            print(f"  0x{where:x}: 0x{w:016x}  {kind}, {inside} ({name})")
            if not in_reported(where):
                holders.append(where)
    if holders:
        commands = []
        for where in sorted(set(holders)):
            commands += ["-ex", f"call ((void(*)(unsigned long))&__asan_describe_address)(0x{where:x})"]
        subprocess.run(["gdb", "-batch", "-nx", "-p", str(pid)] + commands,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        described = bytearray()
        read_until(fd, "\x00", 3, described)
        text = re.sub(r"\x1b\[[0-9;]*m", "", described.decode(errors="replace"))
        print("\nWhat holds those words (ASan's description, first frames):")
        for para in text.split("\n\n"):
            lines = [l for l in para.strip().splitlines() if not re.match(r"\s+#([8-9]|\d\d) ", l)]
            if lines:
                print("\n".join(lines) + "\n")
    os.kill(pid, 9)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
