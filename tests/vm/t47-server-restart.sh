#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The server restarted: smbd is killed (SIGKILL), or ksmbd shut down
# (ksmbd.control --shutdown), and started again 2 s later while a
# 128 MiB copy goes to the mount, then while one comes from it. Every
# channel is lost and the server forgets the session: the client sets up
# a new one, connects the tree and opens the open files again, the
# copies complete without an error and with the right data, a descriptor
# opened before still reads (also of a file renamed since), and the
# channels come back. A waiter is killed during an outage, and so are
# writers waiting to write back, whose data still reaches the server
# once it is back; a soft mount fails with EIO once its soft_timeout
# passed; umount completes while a server takes the connections and
# never answers. Over four links held at 50 Mbit/s:
#   tests/run --links 4 t47
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/shape.sh
. "$(dirname "$0")/../lib/shape.sh"
# shellcheck source=tests/lib/outage.sh
. "$(dirname "$0")/../lib/outage.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"

mnt=/tmp/mnt/rs
soft=/tmp/mnt/rs-soft
mkdir -p $mnt $soft
# ECHO every 3 s, so a silent link is noticed in seconds.
opts="username=$SMB_USER,password=$SMB_PASS,max_channels=4,echo_interval=3"
src=/tmp/work/rs-src.bin
back=/tmp/work/rs-back.bin
srv=$SRV_SHARE_DIR/rs.bin
dd if=/dev/urandom of=$src bs=1M count=128 status=none
want=$(sha256sum <$src | cut -d' ' -f1)
: >$srv
chmod a+rw $srv

# Seconds from the last mark "server listening" to the first kernel log
# line holding $1 after the mark "server started" before it (or, with
# $2 = last, the last one), by the kernel's timestamps; 0 when the client
# was quicker than the poll that saw the server listen.
since_listening() {
	dmesg | awk -v b="$1" -v w="${2:-first}" '
		function ts(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
		index($0, "server started") { t0 = ts($0); tl = t1 = ""; next }
		index($0, "server listening") { tl = ts($0); next }
		t0 != "" && index($0, b) && (w == "last" || t1 == "") { t1 = ts($0) }
		END { if (t1 != "" && tl != "") printf "%.1f", (t1 > tl ? t1 - tl : 0) }'
}
# Kill the server once $1 holds $2 bytes, start it again 2 s later, and wait
# for the four channels; prints the times. Runs beside a copy.
restart_during() { # file bytes
	wait_for 120 size_at_least "$1" "$2" || return 1
	server_kill || return 1
	sleep 2
	server_start || return 1
	wait_for 60 all_good
}
# What the last restart took, from the server listening again.
report_restart() { # what
	local io ch
	io=$(since_listening "new session 0x")
	ch=$(since_listening "re-established" last)
	if [ -n "$io" ] && [ -n "$ch" ] && all_good; then
		ok "$1: I/O resumed after $io s, channels back after $ch s"
	else
		fail "$1: a new session and 4 channels good again" \
			"I/O resumed after '$io' s, channels after '$ch' s" \
			"$(debugdata)" "$(dmesg | tail -n 30)"
	fi
	# Under TCG; the goals on real hardware are 5 s and 10 s.
	if [ -n "$io" ] && awk -v t="$io" 'BEGIN { exit !(t <= 15) }'; then
		ok "$1: I/O resumed within 15 s"
	else
		fail "$1: I/O resumed within 15 s" "after '$io' s"
	fi
}

shape_links

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount (hard, the default) with max_channels=4" \
	mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
check "4 channels good, hard mount" \
	sh -c "grep -q ',hard' /proc/mounts && [ \$(grep -c 'state good' /proc/fs/smb3mc/DebugData) -eq 4 ]"

# Write: the server goes away once 16 MiB are on the server.
mark "write"
restart_during $srv $((16 << 20)) &
restarter=$!
t0=$SECONDS
check "cp 128 MiB to the mount while the server restarts" cp $src $mnt/rs.bin
diag "write took $((SECONDS - t0)) s"
if wait $restarter; then
	ok "the server was restarted during the write"
else
	fail "the server was restarted during the write" "$(debugdata)"
fi
report_restart "write"
expect_eq "server's file has the copy's checksum" \
	"$(sha256sum <$srv | cut -d' ' -f1)" "$want"

# Read, uncached, with a descriptor held open across the restart; and
# one of the share's root, listed before.
echo 3 >/proc/sys/vm/drop_caches
exec 7<$mnt/rs.bin
exec 8<$mnt
names() { python3 -c 'import os; print(",".join(sorted(os.listdir(8))))'; }
listed=$(names)
mark "read"
restart_during $back $((16 << 20)) &
restarter=$!
t0=$SECONDS
check "cp 128 MiB from the mount while the server restarts" cp $mnt/rs.bin $back
diag "read took $((SECONDS - t0)) s"
if wait $restarter; then
	ok "the server was restarted during the read"
else
	fail "the server was restarted during the read" "$(debugdata)"
fi
report_restart "read"
expect_eq "the file read back has the checksum" \
	"$(sha256sum <$back | cut -d' ' -f1)" "$want"
echo 3 >/proc/sys/vm/drop_caches
check "a descriptor opened before the restart still reads" \
	bash -c "head -c 4194304 <&7 | cmp - <(head -c 4194304 $src)"
exec 7<&-
# The directory is listed from its first entry again (os.listdir rewinds
# it after listing), in the new session: its handle of the old one
# names nothing there (before 2026-12-08 every listing failed EIO).
expect_eq "a directory descriptor opened before the restart lists again" \
	"$(names 2>&1)" "$listed"
exec 8<&-
diag "$(debugdata)"

# A waiter during an outage ends on SIGKILL; and a file renamed while
# open is opened again by its new name.
# A byte-range lock held across the restart is taken again.
echo lock-me >$SRV_SHARE_DIR/rs-lock.txt
chmod a+rw $SRV_SHARE_DIR/rs-lock.txt
locks() { python3 "$REPO/tests/lib/locks.py" "$@"; }
# Not through locks(): $! must be python's own, for the kill below.
python3 "$REPO/tests/lib/locks.py" hold $mnt/rs-lock.txt w 0 4096 0 \
	>/tmp/t47-hold.out 2>&1 &
locker=$!
wait_for 10 grep -q HELD /tmp/t47-hold.out
# A file whose name is another file's after the restart is not that one.
echo first >$SRV_SHARE_DIR/rs-swap.txt
chmod a+rw $SRV_SHARE_DIR/rs-swap.txt
exec 6<$mnt/rs-swap.txt
echo hello-rename >$SRV_SHARE_DIR/rs-old.txt
chmod a+rw $SRV_SHARE_DIR/rs-old.txt
exec 8<$mnt/rs-old.txt
mv $mnt/rs-old.txt $mnt/rs-new.txt
mark "kill a waiter"
server_kill
echo second >$SRV_SHARE_DIR/rs-swap.new
mv $SRV_SHARE_DIR/rs-swap.new $SRV_SHARE_DIR/rs-swap.txt
echo 3 >/proc/sys/vm/drop_caches
cat $mnt/rs.bin >/dev/null 2>&1 &
waiter=$!
sleep 3
if ! ended $waiter; then
	kill -9 $waiter
	t0=$SECONDS
	if wait_for 10 ended $waiter; then
		ok "a read waiting for the server ends on SIGKILL within $((SECONDS - t0)) s"
	else
		fail "a read waiting for the server ends on SIGKILL within 10 s" \
			"$(cat /proc/$waiter/stack 2>/dev/null)"
	fi
else
	fail "a read waits while the server is down" "it ended at once"
fi
check "the server started again" server_start
if wait_for 60 all_good; then
	ok "4 channels good again"
else
	# Where the client waits: the blocked tasks' stacks, in dmesg.
	echo w >/proc/sysrq-trigger
	fail "4 channels good again" "$(debugdata)" \
		"$(dmesg | grep -A25 'task:.*state:D' | head -n 120)"
fi
echo 3 >/proc/sys/vm/drop_caches
check "a descriptor of a file renamed before the restart still reads" \
	bash -c '[ "$(cat <&8)" = hello-rename ]'
exec 8<&-
rm -f $mnt/rs-new.txt
# read(2) alone: stat(2) would look the name up again.
out=$(python3 -c '
import os
try:
    print(os.read(6, 100).decode().strip())
except OSError as e:
    print(e.strerror)')
expect_eq "a descriptor whose name is another file's now fails" \
	"$out" "Input/output error"
exec 6<&-
rm -f $SRV_SHARE_DIR/rs-swap.txt

# soft: EIO once soft_timeout passed; umount with the server down.
check "soft mount with soft_timeout=5" mount -t smb3mc \
	"//$SRV_IP/$SHARE" $soft -o "$opts,soft,soft_timeout=5"
check "soft in /proc/mounts" grep -q ',soft,soft_timeout=5' /proc/mounts
# The soft mount is another session, opened after the restart.
expect_eq "a lock held across the restart: another session's is refused" \
	"$(locks try $soft/rs-lock.txt w 0 4096)" EAGAIN
kill $locker
wait $locker 2>/dev/null
expect_eq "its holder gone, another session gets the lock" \
	"$(locks try $soft/rs-lock.txt w 0 4096)" OK
mark "soft"
# A process that exits during the outage closes its file on the hard mount.
sleep 600 9<$mnt/rs.bin &
holder=$!
sleep 1
server_kill
echo 3 >/proc/sys/vm/drop_caches
t0=$SECONDS
out=$(timeout 60 cat $soft/rs.bin 2>&1 >/dev/null)
rc=$?
took=$((SECONDS - t0))
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "${out#*Input/output error}" != "$out" ] &&
	[ $took -le 12 ]; then
	ok "soft mount, server down: EIO after $took s (soft_timeout=5)"
else
	fail "soft mount, server down: EIO within soft_timeout + 7 s" \
		"status $rc after $took s: $out"
fi
# A server that takes connections and never answers: the new sessions
# hang in NEGOTIATE, and still both mounts unmount.
ip netns exec "$SRV_NS" python3 -c '
import socket, sys, time
socks = []
for i in range(1, int(sys.argv[1]) + 1):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.%d.2" % i, 445))
    s.listen(64)
    socks.append(s)
time.sleep(600)' "$LINKS" &
silent=$!
mark "a silent server listens"
sleep 5
kill -9 $holder
if wait_for 10 ended $holder; then
	ok "a process with a file open exits during the outage"
else
	fail "a process with a file open exits during the outage" \
		"still there 10 s after SIGKILL"
fi
wait $holder 2>/dev/null
t0=$SECONDS
check "umount the soft mount, the server silent" timeout 30 umount $soft
diag "umount took $((SECONDS - t0)) s"
t0=$SECONDS
umount $mnt &
um=$!
if wait_for 30 ended $um && wait $um; then
	ok "umount the hard mount, the server silent"
else
	# Where umount waits: the blocked tasks' stacks.
	echo w >/proc/sysrq-trigger
	fail "umount the hard mount, the server silent" \
		"$(dmesg | grep -A25 'task:.*state:D' | head -n 160)"
	kill $um 2>/dev/null
	umount -l $mnt
fi
diag "umount took $((SECONDS - t0)) s"
kill $silent
wait $silent 2>/dev/null
check "the server started again" server_start

# umount -f while a read waits for the server: the read fails at once,
# and umount completes.
check "mount (hard) again" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"

# Writers whose data waits for the server are killed: in close(2), in
# fsync(2), asleep (the close of their exit waits), asleep holding a
# byte-range lock (their exit unlocks it), and rewriting a page whose
# WRITE, started by write-behind, waits (a signed WRITE's page must not
# change). Each ends at once, and its data reaches the server once that
# is back. A writer opens its file (and locks it), then at a line on
# stdin writes $3 MiB of its letter $2, says "written" and does what $4
# says.
killed_writer() { # file letter MiB close|fsync|sleep|lock|rewrite
	exec python3 -c '
import fcntl, os, sys, time
path, letter, mib, what = sys.argv[1:]
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o666)
if what == "lock":
    fcntl.lockf(fd, fcntl.LOCK_EX)
sys.stdin.readline()
os.write(fd, letter.encode() * (int(mib) << 20))
print("written", flush=True)
if what == "close":
    os.close(fd)
elif what == "fsync":
    os.fsync(fd)
elif what == "rewrite":
    time.sleep(1)
    os.pwrite(fd, letter.encode() * 4096, 0)
else:
    time.sleep(600)
print("returned", flush=True)' "$@"
}
# The writers, and how many MiB each writes.
declare -A kmib=([close]=1 [fsync]=1 [sleep]=1 [lock]=1 [rewrite]=8)
# Run command $2... in the background, its stdin a fifo held open here
# until `go $1`; its pid is kpid[$1], its output /tmp/work/$1.out.
declare -A kpid kfd
held() { # name command...
	local name=$1 fd
	shift
	rm -f /tmp/work/"$name".fifo
	mkfifo /tmp/work/"$name".fifo
	"$@" </tmp/work/"$name".fifo >/tmp/work/"$name".out 2>&1 &
	kpid[$name]=$!
	exec {fd}>/tmp/work/"$name".fifo
	kfd[$name]=$fd
}
go() { # name
	echo go >&"${kfd[$1]}"
	eval "exec ${kfd[$1]}>&-"
}
# Process kpid[$1], killed, ends within 5 s: test $2.
killed_ends() { # name what
	kill -9 "${kpid[$1]}"
	if wait_for 5 ended "${kpid[$1]}"; then
		ok "$2"
	else
		fail "$2" "$(cat /proc/"${kpid[$1]}"/stack)"
	fi
}
mark "killed writers"
for c in "${!kmib[@]}"; do
	held kw-$c killed_writer $mnt/kw-$c.bin "${c:0:1}" "${kmib[$c]}" $c
done
sleep 2
server_kill
for c in "${!kmib[@]}"; do
	go kw-$c
done
sleep 4
for c in "${!kmib[@]}"; do
	out=$(tr '\n' ' ' </tmp/work/kw-$c.out)
	[ $c = sleep ] || [ $c = lock ] ||
		expect_eq "outage: a writer's $c waits for the server" \
			"$out" "written "
done
for c in "${!kmib[@]}"; do
	killed_ends kw-$c "outage: a writer killed in $c ends within 5 s"
done
check "the server started again" server_start
# $3 MiB of one letter: the file's bytes, but for that letter, are none.
written_whole() { # file letter MiB
	[ "$(stat -c %s "$1")" -eq $(($3 << 20)) ] &&
		[ "$(tr -d "$2" <"$1" | wc -c)" -eq 0 ]
}
for c in "${!kmib[@]}"; do
	if wait_for 60 written_whole $SRV_SHARE_DIR/kw-$c.bin "${c:0:1}" \
		"${kmib[$c]}"; then
		ok "the data of the writer killed in $c reached the server"
	else
		fail "the data of the writer killed in $c reached the server" \
			"$(ls -l $SRV_SHARE_DIR/kw-$c.bin)" "$(dmesg | tail -n 20)"
	fi
done
wait "${kpid[@]}" 2>/dev/null
rm -f $SRV_SHARE_DIR/kw-*.bin /tmp/work/kw-*

# A read fetching a file's pages when the server goes keeps them locked
# until it is back: a writer into them, killed, ends.
head -c $((1 << 20)) /dev/zero >$SRV_SHARE_DIR/kr.bin
chmod a+rw $SRV_SHARE_DIR/kr.bin
# Open $1 (r or w), then at a line on stdin read it all, or write 4 KiB
# at its start; then say "done".
opened_io() { # r|w file
	exec python3 -c '
import os, sys
w = sys.argv[1] == "w"
fd = os.open(sys.argv[2], os.O_WRONLY if w else os.O_RDONLY)
sys.stdin.readline()
if w:
    os.pwrite(fd, b"w" * 4096, 0)
else:
    while os.read(fd, 1 << 20):
        pass
print("done", flush=True)' "$@"
}
mark "a writer into pages being read"
echo 3 >/proc/sys/vm/drop_caches
for c in r w; do
	held kr-$c opened_io $c $mnt/kr.bin
done
sleep 2
server_kill
go kr-r
sleep 1
go kr-w
sleep 3
expect_eq "outage: a write into pages being read waits" \
	"$(cat /tmp/work/kr-w.out)" ""
killed_ends kr-w \
	"outage: a writer into pages being read, killed, ends within 5 s"
kill -9 "${kpid[kr-r]}"
check "the server started again" server_start
wait "${kpid[kr-w]}" "${kpid[kr-r]}" 2>/dev/null
rm -f $SRV_SHARE_DIR/kr.bin /tmp/work/kr-*

mark "umount -f"
server_kill
echo 3 >/proc/sys/vm/drop_caches
cat $mnt/rs.bin >/dev/null 2>&1 &
waiter=$!
sleep 3
t0=$SECONDS
timeout 30 umount -f $mnt
rc=$?
took=$((SECONDS - t0))
if [ $rc -ne 124 ] && [ $took -le 5 ]; then
	ok "umount -f during an outage returns within 5 s ($took s, status $rc)"
else
	fail "umount -f during an outage returns within 5 s" \
		"status $rc after $took s"
fi
if wait_for 5 ended $waiter; then
	wait $waiter
	rc=$?
	if [ $rc -ne 0 ]; then
		ok "the waiting read fails (status $rc)"
	else
		fail "the waiting read fails" "it succeeded"
	fi
else
	fail "the waiting read fails within 5 s of umount -f" "still waiting"
	kill -9 $waiter
fi
grep -q " $mnt smb3mc " /proc/mounts && timeout 30 umount $mnt
check "the mount is gone" sh -c "! grep -q ' $mnt smb3mc ' /proc/mounts"
check "the server started again" server_start
check "rmmod smb3mc" rmmod smb3mc
unshape_links
rm -f $src $back $srv
