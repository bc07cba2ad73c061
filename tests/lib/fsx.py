#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Random file operations checked against a shadow copy in memory.

Usage: fsx.py FILE [--ops N] [--seed S] [--max-size BYTES] [--no-truncate]

Writes, reads, truncates, writes through a shared mapping and fsyncs at
random offsets of FILE (which must exist; it is truncated first), keeps
what the file must contain in memory and checks every read, and the whole
file at the end, against it. The seed is printed first, so a failure
replays with --seed. Exit status 0 when every check passed.
"""
import argparse
import mmap
import os
import random
import sys


def fail(msg, log):
    print("fsx: FAILED: " + msg, file=sys.stderr)
    print("fsx: last operations:", file=sys.stderr)
    for line in log[-20:]:
        print("  " + line, file=sys.stderr)
    sys.exit(1)


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--ops", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-size", type=int, default=1 << 20)
    ap.add_argument("--no-truncate", action="store_true")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    print("fsx: seed %d, %d operations, max size %d" %
          (seed, args.ops, args.max_size))
    sys.stdout.flush()
    rnd = random.Random(seed)
    fd = os.open(args.file, os.O_RDWR | os.O_TRUNC)
    shadow = bytearray()
    log = []
    maxsz = args.max_size

    def check_read(off, n, what):
        got = os.pread(fd, n, off)
        want = bytes(shadow[off:off + n])
        if got != want:
            i = first_diff(got, want)
            fail("%s at %d+%d: %d bytes back, want %d; first difference "
                 "at offset %d" % (what, off, n, len(got), len(want),
                                   off + i), log)

    for n in range(args.ops):
        op = rnd.choices(["write", "read", "truncate", "mapwrite", "fsync",
                          "append"],
                         [35, 30, 0 if args.no_truncate else 8, 12, 5, 10])[0]
        size = len(shadow)
        if op == "write":
            off = rnd.randrange(maxsz)
            ln = rnd.randrange(1, 65536)
            ln = min(ln, maxsz - off)
            data = rnd.randbytes(ln)
            log.append("%d write %d+%d" % (n, off, ln))
            if os.pwrite(fd, data, off) != ln:
                fail("short write", log)
            if off > size:
                shadow.extend(bytes(off - size))
            shadow[off:off + ln] = data
        elif op == "append":
            ln = rnd.randrange(1, 20000)
            if size + ln > maxsz:
                continue
            data = rnd.randbytes(ln)
            log.append("%d append %d" % (n, ln))
            afd = os.open(args.file, os.O_WRONLY | os.O_APPEND)
            os.write(afd, data)
            os.close(afd)
            shadow.extend(data)
        elif op == "read":
            off = rnd.randrange(max(size, 1) + 4096)
            ln = rnd.randrange(1, 131072)
            log.append("%d read %d+%d" % (n, off, ln))
            check_read(off, ln, "read")
        elif op == "truncate":
            ln = rnd.randrange(maxsz)
            log.append("%d truncate %d" % (n, ln))
            os.ftruncate(fd, ln)
            if ln > size:
                shadow.extend(bytes(ln - size))
            else:
                del shadow[ln:]
        elif op == "mapwrite":
            if size == 0:
                continue
            off = rnd.randrange(size)
            ln = min(rnd.randrange(1, 32768), size - off)
            data = rnd.randbytes(ln)
            log.append("%d mapwrite %d+%d" % (n, off, ln))
            with mmap.mmap(fd, size, mmap.MAP_SHARED,
                           mmap.PROT_READ | mmap.PROT_WRITE) as m:
                m[off:off + ln] = data
                if rnd.random() < 0.3:
                    m.flush()
            shadow[off:off + ln] = data
        elif op == "fsync":
            log.append("%d fsync" % n)
            os.fsync(fd)
        st = os.fstat(fd)
        if st.st_size != len(shadow):
            fail("size %d after op %d, want %d" %
                 (st.st_size, n, len(shadow)), log)
    os.fsync(fd)
    check_read(0, len(shadow) + 1, "final read")
    os.close(fd)
    # And through a fresh open, after the close wrote everything back.
    with open(args.file, "rb") as f:
        got = f.read()
    if got != bytes(shadow):
        fail("reopened file differs at %d" % first_diff(got, shadow), log)
    print("fsx: %d operations passed, final size %d" % (args.ops, len(shadow)))


if __name__ == "__main__":
    main()
