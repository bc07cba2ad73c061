#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Random namespace and data operations by several processes over one tree,
checked against a shadow model of it.

Usage: nsstress.py DIR [--procs N] [--ops N] [--seed S] [--server DIR]

Each process works in a subtree of its own, DIR/pK, and also puts names of
its own (prefixed "pK-") in the directory all of them share, DIR/shared:
what one process sees is then fully predictable while the others change
the same directories. The operations are create (O_EXCL), mkdir, unlink,
rmdir, rename (over files and empty directories, with RENAME_NOREPLACE,
into a directory's own subtree), link, truncate, write, O_TRUNC rewrite,
read, stat and readdir, on names of up to 244 characters, so that paths
grow to hundreds of characters (past 259, where a reply sized for one
name rather than a path overflowed); the result of each (its errno, the
bytes read, type, size, link count and inode number) is checked against
the model as it goes. At the end every process checks its part of the
tree, through DIR and, with --server, in the server's own directory for
DIR, against the model. A failure prints the seed, the process and its
last operations; --seed with the same --procs and --ops replays it. Exit
status 0 when every check passed.
"""
import argparse
import ctypes
import errno
import os
import random
import stat
import sys
import time

RENAME_NOREPLACE = 1
AT_FDCWD = -100
MAX_REL = 1200		# bytes of a path below DIR: deep, and well in PATH_MAX
MAX_ENTRIES = 60	# per process, so that a listing fits one response
MAX_SIZE = 96 * 1024

libc = ctypes.CDLL(None, use_errno=True)


class Failed(Exception):
    pass


class Dir:
    def __init__(self, parent, name):
        self.parent, self.name, self.kids, self.ino = parent, name, {}, None


class File:
    def __init__(self):
        self.data, self.nlink, self.ino = bytearray(), 1, None


def renameat2(a, b, flags):
    if libc.renameat2(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), flags):
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), a)


def ename(e):
    return errno.errorcode.get(e, str(e)) if e else "OK"


class Proc:
    def __init__(self, top, k, seed):
        self.top, self.k = top, k
        self.rnd = random.Random(seed * 1000 + k)
        self.prefix = "p%d-" % k
        self.own = Dir(None, "p%d" % k)
        self.shared = Dir(None, "shared")
        self.n = 0
        self.log = []
        self.counts = {}
        self.longest = 0

    # ---- the model ----

    def rel(self, d, name=None):
        parts = [] if name is None else [name]
        while d is not None:
            parts.append(d.name)
            d = d.parent
        return "/".join(reversed(parts))

    def path(self, d, name=None):
        p = os.path.join(self.top, self.rel(d, name))
        self.longest = max(self.longest, len(p) - len(self.top) - 1)
        return p

    def entries(self):
        """(parent, name, node) of every name, directories first-found."""
        out, todo = [], [self.own, self.shared]
        while todo:
            d = todo.pop()
            for name, node in d.kids.items():
                out.append((d, name, node))
                if isinstance(node, Dir):
                    todo.append(node)
        return out

    def dirs(self):
        return [self.own, self.shared] + [n for _, _, n in self.entries()
                                          if isinstance(n, Dir)]

    def files(self):
        return [e for e in self.entries() if isinstance(e[2], File)]

    def depth_below(self, d):
        """Longest path below d, in bytes, counted from d's own name."""
        best = 0
        for name, node in d.kids.items():
            n = len(name) + 1
            if isinstance(node, Dir):
                n += self.depth_below(node)
            best = max(best, n)
        return best

    def new_name(self, d, kind):
        self.n += 1
        name = "%s%s%d" % (self.prefix if d is self.shared else "", kind,
                           self.n)
        r = self.rnd.random()
        if r < 0.3:
            name += "X" * self.rnd.randrange(40, 200 - len(name))
        elif r < 0.5:
            name += "x" * self.rnd.randrange(1, 20)
        room = MAX_REL - len(self.rel(d)) - 1
        if room < len("%s%d" % (kind, self.n)) + 4:
            return None
        return name[:room]

    def within(self, a, d):
        """Is directory d a (not necessarily strict) descendant of a?"""
        while d is not None:
            if d is a:
                return True
            d = d.parent
        return False

    # ---- checks ----

    def fail(self, msg):
        raise Failed(msg)

    def expect(self, what, want, fn):
        try:
            fn()
            got = 0
        except OSError as e:
            got = e.errno
        if isinstance(want, int):
            want = (want,)
        if got not in want:
            self.fail("%s: %s, want %s" % (what, ename(got),
                                          "/".join(ename(w) for w in want)))
        return got

    def check_stat(self, what, p, node):
        st = os.lstat(p)
        if isinstance(node, Dir):
            if not stat.S_ISDIR(st.st_mode):
                self.fail("%s: not a directory (mode %o)" % (what,
                                                             st.st_mode))
        else:
            if not stat.S_ISREG(st.st_mode):
                self.fail("%s: not a file (mode %o)" % (what, st.st_mode))
            if st.st_size != len(node.data):
                self.fail("%s: size %d, want %d" % (what, st.st_size,
                                                    len(node.data)))
            if st.st_nlink != node.nlink:
                self.fail("%s: %d links, want %d" % (what, st.st_nlink,
                                                     node.nlink))
        if node.ino is None:
            node.ino = st.st_ino
        elif st.st_ino != node.ino:
            self.fail("%s: inode %d, want %d" % (what, st.st_ino, node.ino))

    def check_data(self, what, p, node):
        with open(p, "rb") as f:
            got = f.read()
        if got != node.data:
            i = next((i for i, (x, y) in enumerate(zip(got, node.data))
                      if x != y), min(len(got), len(node.data)))
            self.fail("%s: %d bytes read, want %d; first difference at %d"
                      % (what, len(got), len(node.data), i))

    def listing(self, d):
        names = set(os.listdir(self.path(d)))
        if d is self.shared:
            names = {n for n in names if n.startswith(self.prefix)}
        return names

    def check_listing(self, what, d):
        got, want = self.listing(d), set(d.kids)
        if got != want:
            self.fail("%s: extra %s, missing %s" % (
                what, sorted(got - want)[:5], sorted(want - got)[:5]))

    # ---- operations ----

    def op_create(self):
        d = self.rnd.choice(self.dirs())
        name = self.new_name(d, "f")
        if name is None:
            return
        p = self.path(d, name)
        node = File()
        node.data = bytearray(self.rnd.randbytes(self.rnd.choice(
            [0, 1, 100, 4096, 5000, 40000])))
        self.log.append("create %s (%d bytes)" % (p, len(node.data)))
        fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, node.data)
            node.ino = os.fstat(fd).st_ino
        finally:
            os.close(fd)
        d.kids[name] = node

    def op_create_exist(self):
        es = self.entries()
        if not es:
            return
        d, name, _ = self.rnd.choice(es)
        p = self.path(d, name)
        self.log.append("create O_EXCL of existing %s" % p)
        self.expect("create O_EXCL " + p, errno.EEXIST, lambda: os.close(
            os.open(p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)))

    def op_mkdir(self):
        d = self.rnd.choice(self.dirs())
        name = self.new_name(d, "d")
        if name is None:
            return
        p = self.path(d, name)
        self.log.append("mkdir %s" % p)
        os.mkdir(p)
        node = Dir(d, name)
        node.ino = os.lstat(p).st_ino
        d.kids[name] = node
        if self.rnd.random() < 0.5:
            self.check_listing("listing after mkdir " + p, d)

    def op_unlink(self):
        fs = self.files()
        if not fs:
            return
        d, name, node = self.rnd.choice(fs)
        p = self.path(d, name)
        self.log.append("unlink %s" % p)
        os.unlink(p)
        del d.kids[name]
        node.nlink -= 1
        self.expect("stat after unlink " + p, errno.ENOENT,
                    lambda: os.lstat(p))

    def op_bad_remove(self):
        """unlink of a directory or a missing name, rmdir of a file."""
        r = self.rnd.random()
        if r < 0.4:
            d = self.rnd.choice(self.dirs())
            if d.parent is None:
                return
            p = self.path(d)
            self.log.append("unlink of directory %s" % p)
            self.expect("unlink " + p, errno.EISDIR, lambda: os.unlink(p))
        elif r < 0.7:
            d = self.rnd.choice(self.dirs())
            p = self.path(d, "%smissing%d" % (self.prefix, self.rnd.randrange(
                1000)))
            self.log.append("unlink of missing %s" % p)
            self.expect("unlink " + p, errno.ENOENT, lambda: os.unlink(p))
        else:
            fs = self.files()
            if not fs:
                return
            d, name, _ = self.rnd.choice(fs)
            p = self.path(d, name)
            self.log.append("rmdir of file %s" % p)
            self.expect("rmdir " + p, errno.ENOTDIR, lambda: os.rmdir(p))

    def op_rmdir(self):
        ds = [d for d in self.dirs() if d.parent is not None]
        if not ds:
            return
        # Mostly empty ones: those are the ones that go.
        empty = [d for d in ds if not d.kids]
        d = self.rnd.choice(empty if empty and self.rnd.random() < 0.7
                            else ds)
        p = self.path(d)
        self.log.append("rmdir %s (%d entries)" % (p, len(d.kids)))
        if d.kids:
            self.expect("rmdir of non-empty " + p, errno.ENOTEMPTY,
                        lambda: os.rmdir(p))
            return
        os.rmdir(p)
        del d.parent.kids[d.name]
        self.expect("stat after rmdir " + p, errno.ENOENT,
                    lambda: os.lstat(p))

    def op_rename(self):
        es = self.entries()
        if not es:
            return
        sd, sname, node = self.rnd.choice(es)
        is_dir = isinstance(node, Dir)
        src = self.path(sd, sname)
        # Where to: a new name, or an existing one of the same kind (for a
        # file maybe another of its own names), never into itself.
        if is_dir:
            same = [e for e in es if isinstance(e[2], Dir) and
                    not self.within(node, e[0]) and
                    not self.within(e[2], node)]
        else:
            same = [e for e in es if isinstance(e[2], File) and
                    (e[0], e[1]) != (sd, sname)]
        noreplace = self.rnd.random() < 0.15
        if same and self.rnd.random() < 0.4:
            dd, dname, target = self.rnd.choice(same)
        else:
            dd = self.rnd.choice([d for d in self.dirs()
                                  if not (is_dir and self.within(node, d))])
            dname = self.new_name(dd, "s" if is_dir else "r")
            target = None
            if dname is None:
                return
        if is_dir and len(self.rel(dd, dname)) + \
                self.depth_below(node) > MAX_REL:
            return
        dst = self.path(dd, dname)
        self.log.append("rename%s %s -> %s%s" % (
            " noreplace" if noreplace else "", src, dst,
            "" if target is None else " (over an existing name)"))
        flags = RENAME_NOREPLACE if noreplace else 0
        if target is not None and noreplace:
            self.expect("rename noreplace onto " + dst, errno.EEXIST,
                        lambda: renameat2(src, dst, flags))
            return
        if is_dir and target is not None and target.kids:
            self.expect("rename onto non-empty " + dst,
                        (errno.ENOTEMPTY, errno.EEXIST),
                        lambda: renameat2(src, dst, flags))
            return
        renameat2(src, dst, flags)
        if target is node:
            # Two names of one file: rename(2) leaves both.
            self.check_stat("old name after rename to itself " + src, src,
                            node)
            return
        if isinstance(target, File):
            target.nlink -= 1
        del sd.kids[sname]
        dd.kids[dname] = node
        if is_dir:
            node.parent, node.name = dd, dname
        self.expect("old name after rename " + src, errno.ENOENT,
                    lambda: os.lstat(src))
        self.check_stat("new name after rename " + dst, dst, node)

    def op_rename_into_self(self):
        ds = [d for d in self.dirs() if d.parent is not None]
        if not ds:
            return
        d = self.rnd.choice(ds)
        inner = self.rnd.choice([x for x in self.dirs()
                                 if self.within(d, x)])
        src = self.path(d)
        dst = self.path(inner, "%sinto%d" % (
            self.prefix if inner is self.shared else "", self.n))
        self.log.append("rename %s into its own subtree %s" % (src, dst))
        self.expect("rename into own subtree " + src, errno.EINVAL,
                    lambda: os.rename(src, dst))

    def op_link(self):
        fs = self.files()
        if not fs:
            return
        sd, sname, node = self.rnd.choice(fs)
        dd = self.rnd.choice(self.dirs())
        dname = self.new_name(dd, "l")
        if dname is None:
            return
        src, dst = self.path(sd, sname), self.path(dd, dname)
        self.log.append("link %s -> %s" % (src, dst))
        os.link(src, dst)
        node.nlink += 1
        dd.kids[dname] = node
        self.check_stat("new link " + dst, dst, node)
        self.check_stat("old name after link " + src, src, node)

    def op_truncate(self):
        fs = self.files()
        if not fs:
            return
        d, name, node = self.rnd.choice(fs)
        p = self.path(d, name)
        size = self.rnd.choice([0, self.rnd.randrange(MAX_SIZE),
                                max(len(node.data) - 1, 0),
                                len(node.data) + 1])
        self.log.append("truncate %s to %d (from %d)" % (p, size,
                                                         len(node.data)))
        os.truncate(p, size)
        if size < len(node.data):
            del node.data[size:]
        else:
            node.data.extend(bytes(size - len(node.data)))
        self.check_stat("stat after truncate " + p, p, node)

    def op_write(self):
        fs = self.files()
        if not fs:
            return
        d, name, node = self.rnd.choice(fs)
        p = self.path(d, name)
        if self.rnd.random() < 0.25:
            data = self.rnd.randbytes(self.rnd.randrange(0, 20000))
            self.log.append("rewrite %s with O_TRUNC, %d bytes" % (
                p, len(data)))
            fd = os.open(p, os.O_WRONLY | os.O_TRUNC)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            node.data = bytearray(data)
            return
        off = self.rnd.randrange(min(len(node.data) + 8192, MAX_SIZE))
        data = self.rnd.randbytes(self.rnd.randrange(1, 20000))
        self.log.append("write %s %d+%d (size %d)" % (p, off, len(data),
                                                      len(node.data)))
        fd = os.open(p, os.O_WRONLY)
        try:
            if os.pwrite(fd, data, off) != len(data):
                self.fail("short write to " + p)
        finally:
            os.close(fd)
        if off > len(node.data):
            node.data.extend(bytes(off - len(node.data)))
        node.data[off:off + len(data)] = data

    def op_read(self):
        fs = self.files()
        if not fs:
            return
        d, name, node = self.rnd.choice(fs)
        p = self.path(d, name)
        self.log.append("read %s (%d bytes)" % (p, len(node.data)))
        self.check_data("read " + p, p, node)

    def op_stat(self):
        es = self.entries()
        if not es:
            return
        d, name, node = self.rnd.choice(es)
        p = self.path(d, name)
        self.log.append("stat %s" % p)
        self.check_stat("stat " + p, p, node)

    def op_readdir(self):
        d = self.rnd.choice(self.dirs())
        self.log.append("readdir %s" % self.path(d))
        self.check_listing("readdir " + self.path(d), d)

    def op_peek(self):
        """stat a name of another process in the shared directory, while
        it may be changing it: whatever comes back is right, but the
        kernel must not mind (tests/run fails on a warning in its log)."""
        # One draw whatever the others did: a replay stays the same.
        r = self.rnd.random()
        p = self.path(self.shared)
        others = [n for n in os.listdir(p) if not n.startswith(self.prefix)]
        if not others:
            return
        q = os.path.join(p, sorted(others)[int(r * len(others))])
        self.log.append("stat of another process's %s" % q)
        try:
            os.lstat(q)
        except FileNotFoundError:
            pass

    OPS = [("create", 14), ("create_exist", 2), ("mkdir", 8),
           ("unlink", 8), ("bad_remove", 3), ("rmdir", 6), ("rename", 16),
           ("rename_into_self", 1), ("link", 6), ("truncate", 6),
           ("write", 10), ("read", 8), ("stat", 8), ("readdir", 4),
           ("peek", 4)]

    def step(self):
        names = [o for o, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        if len(self.entries()) > MAX_ENTRIES:
            weights = [w * 4 if o in ("unlink", "rmdir") else
                       (0 if o in ("create", "mkdir", "link") else w)
                       for o, w in self.OPS]
        op = self.rnd.choices(names, weights)[0]
        self.counts[op] = self.counts.get(op, 0) + 1
        getattr(self, "op_" + op)()

    # ---- the whole tree at the end ----

    def verify(self, base, label):
        """Walk the process's part of the tree under base against the
        model: names, types, sizes, contents, link counts and which names
        are links of one file (the same inode number)."""
        inos = {}

        def walk(d):
            p = os.path.join(base, self.rel(d))
            names = set(os.listdir(p))
            if d is self.shared:
                names = {n for n in names if n.startswith(self.prefix)}
            if names != set(d.kids):
                self.fail("%s: %s lists extra %s, misses %s" % (
                    label, p, sorted(names - set(d.kids))[:5],
                    sorted(set(d.kids) - names)[:5]))
            for name, node in d.kids.items():
                q = os.path.join(p, name)
                st = os.lstat(q)
                if isinstance(node, Dir):
                    if not stat.S_ISDIR(st.st_mode):
                        self.fail("%s: %s is not a directory" % (label, q))
                    walk(node)
                    continue
                if not stat.S_ISREG(st.st_mode):
                    self.fail("%s: %s is not a file" % (label, q))
                if st.st_nlink != node.nlink:
                    self.fail("%s: %s has %d links, want %d" % (
                        label, q, st.st_nlink, node.nlink))
                seen = inos.setdefault(st.st_ino, node)
                if seen is not node:
                    self.fail("%s: %s has the inode number of another file"
                              % (label, q))
                with open(q, "rb") as f:
                    got = f.read()
                if got != node.data:
                    self.fail("%s: %s has %d bytes, want %d%s" % (
                        label, q, len(got), len(node.data),
                        "" if len(got) != len(node.data) else
                        " (contents differ)"))

        walk(self.own)
        walk(self.shared)
        # Names of one model file must be one file there too.
        by_node = {}
        for ino, node in inos.items():
            if id(node) in by_node:
                self.fail("%s: one file has two inode numbers" % label)
            by_node[id(node)] = ino


def run_proc(args, k):
    p = Proc(args.dir, k, args.seed)
    t0 = time.monotonic()
    try:
        os.mkdir(p.path(p.own))
        # Deep from the start: this path alone is 247 characters.
        name = "deep" + "X" * 240
        p.log.append("mkdir %s" % p.path(p.own, name))
        os.mkdir(p.path(p.own, name))
        p.own.kids[name] = Dir(p.own, name)
        for i in range(args.ops):
            p.log.append("#%d:" % i)
            p.step()
        p.log.append("final check through the mount")
        p.verify(args.dir, "mount")
        if args.server:
            p.log.append("final check on the server")
            p.verify(args.server, "server")
    except (Failed, OSError) as e:
        print("nsstress: FAILED: seed %d, process %d: %s" % (args.seed, k, e),
              file=sys.stderr)
        print("nsstress: replay: nsstress.py DIR --procs %d --ops %d "
              "--seed %d; process %d's last operations:" %
              (args.procs, args.ops, args.seed, k), file=sys.stderr)
        ops = [x for x in p.log if not x.startswith("#")]
        for line in ops[-15:]:
            print("  " + line, file=sys.stderr)
        return 1
    dt = time.monotonic() - t0
    print("nsstress: process %d: %d operations in %.1f s, longest path "
          "%d bytes, %s" % (k, args.ops, dt, p.longest,
                            " ".join("%s=%d" % kv
                                     for kv in sorted(p.counts.items()))))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", help="an empty directory on the file system")
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--ops", type=int, default=300)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--server", default=None,
                    help="the same directory as the server has it")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = random.randrange(1 << 31)
    print("nsstress: seed %d, %d processes, %d operations each" %
          (args.seed, args.procs, args.ops))
    sys.stdout.flush()
    os.mkdir(os.path.join(args.dir, "shared"))
    pids = []
    for k in range(args.procs):
        pid = os.fork()
        if pid == 0:
            rc = 1
            try:
                rc = run_proc(args, k)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(rc)
        pids.append(pid)
    bad = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status):
            bad += 1
    if bad:
        print("nsstress: %d of %d processes failed (seed %d)" %
              (bad, args.procs, args.seed), file=sys.stderr)
        return 1
    print("nsstress: all %d processes passed (seed %d)" %
          (args.procs, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
