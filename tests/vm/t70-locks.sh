#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Byte-range locks between two smb3mc mounts of the same share, each with
# its own session (and its own random ClientGuid), so that the server
# sees two clients: an fcntl lock refused with EAGAIN and reported by
# F_GETLK, a waiter woken by the unlock, a wait that outlasts the bound on
# STATUS_PENDING and ends on SIGINT, one ended by SIGKILL, a counter that
# two processes increment under a lock, flock, the mandatory locks of SMB,
# a lock that close drops, cifs.ko's locks seen by smb3mc, and nobrl,
# which keeps locks on this client. Helper: tests/lib/locks.py.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

m1=/tmp/mnt/lock1
m2=/tmp/mnt/lock2
m3=/tmp/mnt/lock3
cm=/tmp/mnt/lockc
srv=$SRV_SHARE_DIR/locks
mkdir -p $m1 $m2 $m3 $cm $srv
opts="username=$SMB_USER,password=$SMB_PASS"
# Increments per process of the counter.
N=200

lk() { python3 "$REPO/tests/lib/locks.py" "$@"; }

# is DESC WANT CMD...: CMD prints WANT.
is() {
	local desc=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		fail "$desc" "command: $*" "want: $want" "got: $got"
	fi
}

# Wait up to SECS for FILE to have the line LINE.
until_line() { # file line secs
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Wait up to SECS for process PID to end.
until_gone() { # pid secs
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# Start a background helper, its output in /tmp/NAME.out; its pid in $bg:
# python's own, so that signals reach it, not a subshell's.
start() { # name args...
	local name=$1
	shift
	python3 "$REPO/tests/lib/locks.py" "$@" >/tmp/"$name".out 2>&1 &
	bg=$!
}

stop() { # pid
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"

head -c 65536 /dev/zero >$srv/f
printf '0\n' >$srv/counter
truncate -s 4096 $srv/counter
: >$srv/fl
: >$srv/cd
: >$srv/log
printf '%0100d' 0 >$srv/grow
head -c 4096 /dev/zero | tr '\0' . >$srv/page
chmod -R a+rwX $srv
printf 'x\n' >$srv/wo
chmod 0222 $srv/wo

check "mount smb3mc, first" mount -t smb3mc "//$SRV_IP/$SHARE" $m1 -o "$opts"
check "mount smb3mc, second" mount -t smb3mc "//$SRV_IP/$SHARE" $m2 -o "$opts"
is "each mount has its own session" 2 grep -c '^session ' /proc/fs/smb3mc/DebugData

# An exclusive lock held on the first mount.
start h1 hold $m1/locks/f w 0 4096 0
h1=$bg
check "F_SETLKW on the first mount" until_line /tmp/h1.out HELD 30
is "F_SETLK w of the range on the second: EAGAIN" EAGAIN lk try $m2/locks/f w 0 4096
is "F_SETLK r of a part of it: EAGAIN" EAGAIN lk try $m2/locks/f r 1000 10
is "F_SETLK w of another range: granted" OK lk try $m2/locks/f w 4096 4096
is "F_GETLK w: a remote write lock, pid -1" "w 0 4096 -1" lk test $m2/locks/f w 0 4096
is "F_GETLK r of another range: unlocked" unlocked lk test $m2/locks/f r 8192 100
# SMB locks are mandatory (MS-SMB2 3.3.5.12, 3.3.5.13).
is "O_DIRECT write into the locked range: EACCES" EACCES lk pwrite $m2/locks/f 0 4096
is "O_DIRECT read of the locked range: EACCES" EACCES lk pread $m2/locks/f 0 4096
is "O_DIRECT write past it: fine" OK lk pwrite $m2/locks/f 8192 4096
stop $h1
is "the holder's exit released the lock" OK lk try $m2/locks/f w 0 4096

# A shared lock refuses writes, not reads.
start h1 hold $m1/locks/f r 0 4096 0
h1=$bg
until_line /tmp/h1.out HELD 30
is "O_DIRECT write into a range locked shared: EACCES" EACCES lk pwrite $m2/locks/f 0 4096
is "O_DIRECT read of it: fine" OK lk pread $m2/locks/f 0 4096
stop $h1

# A waiter on the second mount, woken by the unlock on the first.
start h1 hold $m1/locks/f w 0 4096 4
h1=$bg
until_line /tmp/h1.out HELD 30
start w1 wait $m2/locks/f w 0 100
w1=$bg
check "F_SETLKW on the second waits while the first holds it" \
	bash -c "sleep 2; kill -0 $w1"
if until_gone $w1 30 && grep -q '^OK' /tmp/w1.out; then
	ok "F_SETLKW is granted once the first unlocks ($(cat /tmp/w1.out) s)"
else
	fail "F_SETLKW is granted once the first unlocks" "$(cat /tmp/w1.out /tmp/h1.out)"
fi
check "the holder unlocked" grep -qx UNLOCKED /tmp/h1.out
stop $w1
stop $h1

# A lock held for ever: the waiter outlasts the bound on STATUS_PENDING
# (two request timeouts, 60 s) and ends on SIGINT, with EINTR, at once.
start h1 hold $m1/locks/f w 0 4096 0
h1=$bg
until_line /tmp/h1.out HELD 30
start w1 wait $m2/locks/f w 0 4096
w1=$bg
sleep 70
check "F_SETLKW still waits after 70 s" kill -0 $w1
t0=$SECONDS
kill -INT $w1
if until_line /tmp/w1.out EINTR 10; then
	ok "SIGINT ends the wait with EINTR within $((SECONDS - t0)) s"
else
	fail "SIGINT ends the wait with EINTR within 10 s" "$(cat /tmp/w1.out)"
fi
start w2 wait $m2/locks/f w 0 4096
w2=$bg
sleep 3
t0=$SECONDS
kill -KILL $w2
if until_gone $w2 10; then
	ok "SIGKILL ends a waiter within $((SECONDS - t0)) s"
else
	fail "SIGKILL ends a waiter within 10 s"
fi
wait $w2 2>/dev/null
# The interrupted waiter keeps its file open: had the server kept its
# lock pending, the lock would be its own once the holder let go.
stop $h1
is "the cancelled wait left nothing pending: the range is free" \
	OK lk try $m2/locks/f w 0 4096
stop $w1

# Two processes on the two mounts add 1 to a number N times each, under
# an exclusive lock of the whole file, through the page cache: each
# unlock writes the number back, each lock drops the cache.
t0=$SECONDS
start c1 count $m1/locks/counter $N
c1=$bg
start c2 count $m2/locks/counter $N
c2=$bg
wait $c1 $c2
got=$(head -c 32 $srv/counter | head -1)
if [ "$got" = $((2 * N)) ]; then
	ok "two counters of $N each under a lock end at $((2 * N)) ($((SECONDS - t0)) s)"
else
	fail "two counters of $N each under a lock end at $((2 * N))" \
		"got $got" "$(cat /tmp/c1.out /tmp/c2.out)"
fi

# Two clients hold a file open, so that neither has the write caching of
# a lease, and update records of one page, each under its own lock, N
# times: each write reaches the server as it was made, not as a page of
# what the client read before the other's last write (whose lock the
# server then finds in the way).
t0=$SECONDS
start r1 record $m1/locks/page 0 A $N
r1=$bg
start r2 record $m2/locks/page 100 B $N
r2=$bg
wait $r1 $r2
is "two clients update records of one page under locks" "OK OK" \
	bash -c "cat /tmp/r1.out /tmp/r2.out | paste -sd' '"
is "the server has the last of each ($((SECONDS - t0)) s)" \
	"A$(printf %07d $((N - 1))) B$(printf %07d $((N - 1)))" \
	bash -c "echo \$(head -c 8 $srv/page) \$(tail -c +101 $srv/page | head -c 8)"

# Two clients append lines to one log in turn, each through a descriptor
# it keeps open: each append goes at the end the other left, so every
# line is there, in order.
exec 5>>$m1/locks/log 6>>$m2/locks/log
for i in 1 2 3; do
	echo "a$i" >&5
	echo "b$i" >&6
done
exec 5>&- 6>&-
is "two clients append to one log in turn: every line" "a1 b1 a2 b2 a3 b3" \
	bash -c "paste -sd' ' $srv/log"

# A file the user may write and not read: its handle, opened for
# writing only, may not read attributes; an append asks for them by name.
is "two clients append to a write-only file" "OK x a b" python3 -c 'import os, sys
fds = [os.open(f, os.O_WRONLY | os.O_APPEND) for f in sys.argv[1:3]]
try:
    os.write(fds[0], b"a\n")
    os.write(fds[1], b"b\n")
    r = "OK"
except OSError as e:
    r = e.strerror
for fd in fds:
    os.close(fd)
print(r, " ".join(open(sys.argv[3]).read().split()))' \
	$m1/locks/wo $m2/locks/wo $srv/wo

# The pages a client caches of the old end are stale once another
# client appended past them: a nolease mount reads the first 100 bytes,
# the first mount appends 5000, the nolease one appends 1 (into the next
# page) and reads the whole file through the same descriptor.
check "mount smb3mc nolease" mount -t smb3mc "//$SRV_IP/$SHARE" $m3 -o "$opts,nolease"
is "an append after another client's: no stale page of the old end" \
	"5101 5000 c" python3 -c 'import os, sys
a = os.open(sys.argv[1], os.O_RDWR | os.O_APPEND)
os.pread(a, 100, 0)
b = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND)
os.write(b, b"b" * 5000)
os.close(b)
os.write(a, b"c")
d = os.pread(a, 6000, 0)
print(len(d), d.count(b"b"), d[-1:].decode())' $m3/locks/grow $m1/locks/grow
# One process, two descriptors of a file, a lock of its first page on
# the first, a store through a mapping of it, msync: the WRITE goes on
# the handle that holds the lock, which the server refuses on any other
# (without write caching Samba checks every WRITE against the locks;
# ksmbd does with it too). Before, writeback took the newest handle.
head -c 8192 /dev/zero | tr '\0' . >$srv/two
chmod a+rw $srv/two
is "two descriptors: a store under the first's lock, msync" "OK 100" \
	python3 -c 'import fcntl, mmap, os, sys
fd1 = os.open(sys.argv[1], os.O_RDWR)
fd2 = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd1, fcntl.LOCK_EX, 4096, 0)
    m = mmap.mmap(fd1, 8192)
    m[200:300] = b"M" * 100
    m.flush()
    fcntl.lockf(fd1, fcntl.LOCK_UN, 4096, 0)
    r = "OK"
except OSError as e:
    r = e.strerror
os.close(fd2)
os.close(fd1)
print(r, open(sys.argv[2], "rb").read().count(b"M"))' $m3/locks/two $srv/two
check "umount nolease" umount $m3

# A write cached under the lease, then a shared lock of the whole file on
# the same descriptor: the data goes to the server before the lock, where
# a server that checks I/O against locks (ksmbd) refused its WRITE under
# the lock, and it was lost (the close failing EACCES).
is "a cached write, then a shared lock, unlock, close: the server has it" \
	"OK 100" python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666)
os.write(fd, b"W" * 100)
try:
    fcntl.lockf(fd, fcntl.LOCK_SH)
    fcntl.lockf(fd, fcntl.LOCK_UN)
    os.close(fd)
    r = "OK"
except OSError as e:
    r = e.strerror
print(r, open(sys.argv[2], "rb").read().count(b"W"))' $m1/locks/shared $srv/shared
# A local lease would never hear of another client's change.
is "F_SETLEASE: EINVAL" EINVAL python3 -c 'import errno, fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])' $m1/locks/shared

# flock() between the mounts.
start f1 flock $m1/locks/fl ex wait 5
f1=$bg
until_line /tmp/f1.out OK 30
is "flock LOCK_EX|LOCK_NB on the other mount: EAGAIN" EAGAIN lk flock $m2/locks/fl ex nb 0
is "flock LOCK_SH|LOCK_NB: EAGAIN" EAGAIN lk flock $m2/locks/fl sh nb 0
is "flock LOCK_EX waits for the holder's LOCK_UN" OK lk flock $m2/locks/fl ex wait 0
stop $f1
start f1 flock $m1/locks/fl sh wait 300
f1=$bg
until_line /tmp/f1.out OK 30
is "two LOCK_SH on two mounts" OK lk flock $m2/locks/fl sh nb 0
stop $f1

# POSIX: closing any descriptor of the file drops the process's locks,
# on the server too.
start d1 closedrop $m1/locks/cd
d1=$bg
check "a lock, then another descriptor closed" until_line /tmp/d1.out DROPPED 30
is "the lock is gone on the server" OK lk try $m2/locks/cd w 0 0
stop $d1

# cifs.ko's locks are the server's too.
check "mount cifs.ko" mount -t cifs "//$SRV_IP/$SHARE" $cm -o "$opts,vers=3.1.1"
start h1 hold $cm/locks/f w 0 4096 0
h1=$bg
until_line /tmp/h1.out HELD 30
is "a cifs.ko lock refuses smb3mc's F_SETLK" EAGAIN lk try $m1/locks/f w 0 4096
stop $h1
check "umount cifs.ko" umount $cm

# nobrl: locks stay on this client.
check "mount smb3mc nobrl" mount -t smb3mc "//$SRV_IP/$SHARE" $m3 -o "$opts,nobrl"
check "/proc/mounts shows nobrl" grep -q "$m3 smb3mc .*,nobrl" /proc/mounts
start h1 hold $m1/locks/f w 0 4096 0
h1=$bg
until_line /tmp/h1.out HELD 30
is "nobrl: another client's lock is not seen" OK lk try $m3/locks/f w 0 4096
stop $h1
start h1 hold $m3/locks/f w 0 4096 0
h1=$bg
until_line /tmp/h1.out HELD 30
is "nobrl: its lock is not on the server" OK lk try $m1/locks/f w 0 4096
is "nobrl: but it holds on its own mount" EAGAIN lk try $m3/locks/f w 0 4096
stop $h1

check "umount nobrl" umount $m3
check "umount second" umount $m2
check "umount first" umount $m1
check "rmmod smb3mc" rmmod smb3mc
diag "t70 took $SECONDS s"
