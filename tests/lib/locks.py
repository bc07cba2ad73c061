#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Byte-range lock calls for tests/vm/t70-locks.sh.

Each command prints one result line: OK, or the errno's name (EAGAIN,
EACCES, EINTR, ...); TYPE is r or w, LEN 0 means to the end of the file.

  locks.py try FILE TYPE START LEN       fcntl(F_SETLK), then close
  locks.py test FILE TYPE START LEN      fcntl(F_GETLK): "unlocked" or
                                         "TYPE START LEN PID" of a conflict
  locks.py wait FILE TYPE START LEN      fcntl(F_SETLKW): "OK SECONDS"; a
                                         SIGINT that ends the wait: "EINTR",
                                         then sleeps with the file open
  locks.py hold FILE TYPE START LEN SECS fcntl(F_SETLKW), prints HELD; after
                                         SECS (0: never) F_UNLCK and prints
                                         UNLOCKED; then sleeps until killed
  locks.py flock FILE sh|ex nb|wait SECS flock(), prints OK or the errno;
                                         held SECS, then LOCK_UN
  locks.py pwrite FILE START LEN         O_DIRECT write of LEN bytes 0x55
  locks.py pread FILE START LEN          O_DIRECT read of LEN bytes
  locks.py count FILE N                  N times: F_SETLKW on the whole
                                         file, read the number at its start
                                         and write it back plus one, through
                                         the page cache, F_UNLCK
  locks.py record FILE START TAG N       N times: F_SETLKW on the 8 bytes
                                         at START, write TAG and the count
                                         there through the page cache,
                                         F_UNLCK; then close
  locks.py closedrop FILE                F_SETLK w on fd 1, open and close
                                         fd 2: POSIX drops the lock; HELD
                                         then DROPPED, then sleeps
"""
import errno
import fcntl
import mmap
import os
import signal
import struct
import sys
import time

BLOCK = 4096
TYPES = {"r": fcntl.F_RDLCK, "w": fcntl.F_WRLCK}
NAMES = {fcntl.F_RDLCK: "r", fcntl.F_WRLCK: "w"}
# struct flock on x86_64: l_type, l_whence, l_start, l_len, l_pid
FLOCK = "=hh4xqqi4x"


def say(*words):
    print(*words, flush=True)


def err(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def flock_struct(typ, start, length):
    return struct.pack(FLOCK, typ, os.SEEK_SET, start, length, 0)


def setlk(fd, cmd, typ, start, length):
    fcntl.fcntl(fd, cmd, flock_struct(typ, start, length))


def open_rw(path, direct=False):
    return os.open(path, os.O_RDWR | (os.O_DIRECT if direct else 0))


def sleep_forever():
    while True:
        time.sleep(3600)


def cmd_try(path, typ, start, length):
    fd = open_rw(path)
    try:
        setlk(fd, fcntl.F_SETLK, TYPES[typ], int(start), int(length))
        say("OK")
    except OSError as e:
        say(err(e))


def cmd_test(path, typ, start, length):
    fd = open_rw(path)
    got = fcntl.fcntl(fd, fcntl.F_GETLK,
                      flock_struct(TYPES[typ], int(start), int(length)))
    t, _, s, n, pid = struct.unpack(FLOCK, got)
    say("unlocked" if t == fcntl.F_UNLCK else f"{NAMES[t]} {s} {n} {pid}")


def cmd_wait(path, typ, start, length):
    fd = open_rw(path)
    t0 = time.monotonic()
    try:
        setlk(fd, fcntl.F_SETLKW, TYPES[typ], int(start), int(length))
        say(f"OK {time.monotonic() - t0:.1f}")
    except KeyboardInterrupt:
        say("EINTR")
        sleep_forever()
    except OSError as e:
        say(err(e))


def cmd_hold(path, typ, start, length, secs):
    fd = open_rw(path)
    setlk(fd, fcntl.F_SETLKW, TYPES[typ], int(start), int(length))
    say("HELD")
    if int(secs) == 0:
        sleep_forever()
    time.sleep(int(secs))
    setlk(fd, fcntl.F_SETLK, fcntl.F_UNLCK, int(start), int(length))
    say("UNLOCKED")
    sleep_forever()


def cmd_flock(path, kind, mode, secs):
    fd = open_rw(path)
    op = fcntl.LOCK_EX if kind == "ex" else fcntl.LOCK_SH
    if mode == "nb":
        op |= fcntl.LOCK_NB
    try:
        fcntl.flock(fd, op)
    except OSError as e:
        say(err(e))
        return
    say("OK")
    time.sleep(int(secs))
    fcntl.flock(fd, fcntl.LOCK_UN)


def aligned(n):
    return mmap.mmap(-1, max(BLOCK, (n + BLOCK - 1) // BLOCK * BLOCK))


def cmd_pwrite(path, start, length):
    n = int(length)
    buf = aligned(n)
    buf.write(b"\x55" * n)
    fd = open_rw(path, direct=True)
    try:
        os.pwritev(fd, [memoryview(buf)[:n]], int(start))
        say("OK")
    except OSError as e:
        say(err(e))


def cmd_pread(path, start, length):
    n = int(length)
    buf = aligned(n)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    try:
        os.preadv(fd, [memoryview(buf)[:n]], int(start))
        say("OK")
    except OSError as e:
        say(err(e))


def cmd_count(path, times):
    fd = open_rw(path)
    for _ in range(int(times)):
        setlk(fd, fcntl.F_SETLKW, fcntl.F_WRLCK, 0, 0)
        n = int(os.pread(fd, 32, 0).split()[0]) + 1
        os.pwrite(fd, f"{n}\n".encode().ljust(BLOCK, b" "), 0)
        setlk(fd, fcntl.F_SETLK, fcntl.F_UNLCK, 0, 0)
    say("OK")


def cmd_record(path, start, tag, times):
    fd = open_rw(path)
    start = int(start)
    try:
        for i in range(int(times)):
            setlk(fd, fcntl.F_SETLKW, fcntl.F_WRLCK, start, 8)
            os.pwrite(fd, f"{tag}{i:07d}".encode(), start)
            setlk(fd, fcntl.F_SETLK, fcntl.F_UNLCK, start, 8)
        os.close(fd)
        say("OK")
    except OSError as e:
        say(err(e))


def cmd_closedrop(path):
    fd = open_rw(path)
    setlk(fd, fcntl.F_SETLK, fcntl.F_WRLCK, 0, 0)
    say("HELD")
    os.close(open_rw(path))
    say("DROPPED")
    sleep_forever()


def main():
    cmds = {
        "try": cmd_try, "test": cmd_test, "wait": cmd_wait,
        "hold": cmd_hold, "flock": cmd_flock, "pwrite": cmd_pwrite,
        "pread": cmd_pread, "count": cmd_count, "record": cmd_record,
        "closedrop": cmd_closedrop,
    }
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # A background job of a script starts with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
