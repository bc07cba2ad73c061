# SPDX-License-Identifier: GPL-2.0
"""What t50's cases of answers older than the client's own changes share.

A server's answer about a file that is older than what this client did to
it (a listing, a QUERY_INFO held while the client truncated the file) must
not bring back an old size: these show what a stat, a read, an append and
the server's copy of the file then say. Imported by the cases' inline
Python, with PYTHONPATH set to this directory.
"""
import mmap
import os
import re
import threading
import time


def show(data):
    """@data as its length and its text, each run of NULs as a count."""
    nuls = re.sub(rb"\0+", lambda z: b"<%d NULs>" % len(z.group()), data)
    return "%d %s" % (len(data), nuls.decode(errors="replace"))


def append(path, data):
    """Append @data to @path through an open of its own."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def server_copy(path):
    """The first 64 KiB of @path as the server has it (O_DIRECT), shown."""
    buf = mmap.mmap(-1, 65536)  # page-aligned, as O_DIRECT wants
    fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    try:
        n = os.preadv(fd, [buf], 0)
    finally:
        os.close(fd)
    return show(buf[:n])


class LogWatch:
    """New lines of the hostile server's log, from now on."""

    def __init__(self, log):
        self.file = open(log, errors="replace")
        self.file.seek(0, 2)
        self.seen = ""

    def wait(self, pattern, stop, tries=400):
        """Whether a line matching @pattern came before @stop() was true,
        looking every 50 ms, @tries times at most."""
        regex = re.compile("(?m)^" + pattern)
        for _ in range(tries):
            self.seen += self.file.read()
            if regex.search(self.seen):
                return True
            if stop():
                return False
            time.sleep(0.05)
        return False


def call_held(log, srv, what, func, *args):
    """@func(@args) in a thread, until the server @srv, which logs to
    @log, says it holds @what; prints "held" if it did while @func
    waited, else "not held". Returns the thread, to be joined."""
    watch = LogWatch(log)
    t = threading.Thread(target=func, args=args)
    t.start()
    got = watch.wait(re.escape(srv) + " .*" + what + " held",
                     lambda: not t.is_alive())
    print("held" if got and t.is_alive() else "not held")
    return t


def stat_held_over(d, log, srv, change):
    """shrunk.txt of the mount @d read through an open of its own, its
    times set (the next stat asks the server), and a stat whose QUERY_INFO
    the server @srv, which logs to @log, holds until "release" is looked
    up: @change(path) runs once the hold shows. Prints the bytes read and
    whether the stat was held over @change; returns the open and the
    path."""
    f = os.path.join(d, "shrunk.txt")
    watch = LogWatch(log)
    r = os.open(f, os.O_RDONLY)
    print(len(os.read(r, 65536)))
    os.utime(f, (1700000000, 1700000000))
    held = []
    t = threading.Thread(target=lambda: held.append(os.stat(f).st_size))
    t.start()
    got = watch.wait(re.escape(srv) + " .*QUERY_INFO of shrunk.txt held",
                     lambda: bool(held))
    print("held" if got and not held else "not held")
    change(f)
    try:
        os.stat(os.path.join(d, "release"))
    except FileNotFoundError:
        pass
    t.join()
    return r, f
