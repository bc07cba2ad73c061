#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Leases between two smb3mc mounts of the same share, each its own
# session, so that the server sees two clients: a file the first holds
# open is read from its page cache, with no request; the second's write
# breaks the first's lease, which drops the first's cache, so that the
# first's next read sees it. The first writes, without fsync: the data
# stays in its cache until the second opens the file, whose break has the
# first write it back first; the same holds for a file the first creates
# with open(O_CREAT), for one whose creating open failed while another
# open of it wrote, and for a write under way when the break comes,
# which ends first. The mounts ask for leases by default. With nolease
# a mount asks for none and no break comes for it: a descriptor it holds
# keeps reading its cache, a new open sees the other's write
# (close-to-open), as before leases.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/debugdata.sh
. "$(dirname "$0")/../lib/debugdata.sh"
# The kernel log of this test only, from this line on: earlier ones
# (t50's break cases) run in the same guest.
echo "smb3mc t72: start" >/dev/kmsg

m1=/tmp/mnt/lease1
m2=/tmp/mnt/lease2
m3=/tmp/mnt/lease3
m4=/tmp/mnt/lease4
srv=$SRV_SHARE_DIR/leases
mkdir -p $m1 $m2 $m3 $m4 $srv
opts="username=$SMB_USER,password=$SMB_PASS"

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

# Up to SECS for CMD to print WANT: a break comes on its own time.
within() { # secs want cmd...
	local i n=$(($1 * 10)) want=$2
	shift 2
	for ((i = 0; i < n; i++)); do
		[ "$("$@" 2>&1)" = "$want" ] && return 0
		sleep 0.1
	done
	echo "still $("$@" 2>&1)"
	return 1
}

# What descriptor FD of this shell reads at offset 0: no new open.
rd() { # fd
	python3 -c 'import os, sys; sys.stdout.write(os.pread(int(sys.argv[1]), 4096, 0).decode())' "$1"
}

# Messages of more than one request all channels have sent.
compounds() {
	grep -o ' compounds [0-9]*' /proc/fs/smb3mc/DebugData |
		awk '{ n += $2 } END { print n + 0 }'
}
# Lease breaks all sessions received.
breaks() {
	grep -o 'lease breaks [0-9]*' /proc/fs/smb3mc/DebugData |
		awk '{ n += $3 } END { print n + 0 }'
}
# Bytes all channels have received.
received() {
	grep -o ' received [0-9]*' /proc/fs/smb3mc/DebugData |
		awk '{ n += $2 } END { print n + 0 }'
}

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"

printf one >$srv/f
printf 'old g' >$srv/g
printf 'old h' >$srv/h
printf 'old e' >$srv/e
printf 'old s' >$srv/s
printf 'old d' >$srv/d
printf 'old t' >$srv/t
head -c 1048576 /dev/urandom >$srv/big
chmod -R a+rwX $srv

check "mount smb3mc, first" mount -t smb3mc "//$SRV_IP/$SHARE" $m1 -o "$opts"
check "mount smb3mc, second" mount -t smb3mc "//$SRV_IP/$SHARE" $m2 -o "$opts"
check "/proc/mounts shows lease, the default" \
	grep -q "$m1 smb3mc .*,lease" /proc/mounts
# The kernel's flusher, at its wakeups every 5 s, writes back a mount's
# dirty pages beyond its share of the background threshold, a share by
# its part of recent writeback: a new mount has none, and the flusher
# may write c before the second opens it. A share of its own keeps what
# the client caches in its cache.
check "both mounts' min_ratio 1" sh -c \
	'for b in /sys/class/bdi/smb3mc-*; do echo 1 >$b/min_ratio || exit; done'

# The first holds f open and reads it twice: the second read, from its
# page cache, sends nothing.
exec 3<$m1/leases/f
is "first: read f" one rd 3
r0=$(requests first)
is "first: read f again" one rd 3
is "the second read sent no request" "$r0" requests first

# A file read whole, closed, then opened and read again under the read
# caching of its lease: from the page cache, with no READ, so that the
# channels receive far less than the file meanwhile.
check "first: read big" sh -c "cat $m1/leases/big >/dev/null"
r0=$(received)
check "first: read big again, closed since" cmp $m1/leases/big $srv/big
got=$(($(received) - r0))
if [ $got -lt 65536 ]; then
	ok "the re-read sent no READ: $got bytes received"
else
	fail "the re-read sent no READ" "$got bytes received for 1 MiB"
fi

# Kept handles: under the handle caching of its lease, the last close of
# a file keeps its handle open for closetimeo (1 s by default), and an
# open meanwhile takes it. Samba lists the opens of each file (ksmbd
# lists none: those checks skip there).
opens_of() { # name: the server's opens of leases/NAME
	ip netns exec "$SRV_NS" smbstatus -s "$SMB_CONF" -L 2>/dev/null |
		grep -c " leases/$1 "
}
opens_are() { # desc opens name [seconds]
	if [ "$SERVER" = ksmbd ]; then
		skip "$1" "ksmbd lists no opens"
	elif [ -n "${4:-}" ]; then
		check "$1" within "$4" "$2" opens_of "$3"
	else
		is "$1" "$2" opens_of "$3"
	fi
}
opens_are "the server lists f, held open" 1 f
check "/proc/mounts shows closetimeo=1, the default" \
	grep -q "$m1 smb3mc .*,closetimeo=1" /proc/mounts
check "first: read t" sh -c "cat $m1/leases/t >/dev/null"
opens_are "the server has t open no more within 10 s" 0 t 10
# A mount that keeps them a minute, and its names as long, which no
# slowness of the guest outlasts: reading big once more sends nothing at
# all (no CREATE, no READ, and no lookup).
check "closetimeo=60: mount" mount -t smb3mc "//$SRV_IP/$SHARE" $m4 \
	-o "$opts,closetimeo=60,actimeo=60"
check "closetimeo=60: read big" sh -c "cat $m4/leases/big >/dev/null"
opens_are "the server has big open after its close" 1 big
r0=$(requests last)
check "closetimeo=60: read big again" cmp $m4/leases/big $srv/big
is "the reopen sent no request" "$r0" requests last
# A file whose handle a close kept is removed at once, its name free
# again; one renamed over another, both kept, replaces it; a directory
# holding such a file is renamed, which the server refuses while a file
# below it is open. Each closed before the request, not at the break
# the server would send for it (its own opens ask for no lease).
check "closetimeo=60: write and read kept" sh -c \
	"printf k >$m4/leases/kept && cat $m4/leases/kept >/dev/null"
b0=$(breaks)
check "closetimeo=60: rm kept, right after its close" rm $m4/leases/kept
check "kept is gone on the server at once" test ! -e $srv/kept
is "and no break came for it" "$b0" breaks
check "closetimeo=60: write kept again" sh -c "printf k2 >$m4/leases/kept"
check "closetimeo=60: write and read r1 and r2" sh -c \
	"printf r1 >$m4/leases/r1 && printf r2 >$m4/leases/r2 && cat $m4/leases/r1 $m4/leases/r2 >/dev/null"
b0=$(breaks)
check "closetimeo=60: mv r1 over r2, both kept" mv $m4/leases/r1 $m4/leases/r2
is "r2 on the server is r1's" r1 cat $srv/r2
is "and no break came for them" "$b0" breaks
check "closetimeo=60: mkdir sub and write sub/x" sh -c \
	"mkdir $m4/leases/sub && printf x >$m4/leases/sub/x && cat $m4/leases/sub/x >/dev/null"
check "closetimeo=60: rename sub, its file's handle kept" \
	mv $m4/leases/sub $m4/leases/sub2
is "sub2/x reads" x cat $m4/leases/sub2/x
# Another client's open breaks the lease (Samba takes write caching
# away, not handle caching): the kept handle is closed, so that the
# removal there does not leave the file delete-pending for a minute.
check "closetimeo=60: read kept" sh -c "cat $m4/leases/kept >/dev/null"
check "second: rm kept" rm $m2/leases/kept
check "kept is gone on the server at once" test ! -e $srv/kept
check "closetimeo=60: umount" umount $m4
# A file whose lease ended with its last handle (closetimeo), then
# rewritten on the server to the same size: the next open, within
# actimeo, gets a new lease, and reads the new data, not the pages
# cached before.
check "actimeo=60: mount" mount -t smb3mc "//$SRV_IP/$SHARE" $m4 \
	-o "$opts,actimeo=60"
printf aaaa >$srv/stale
is "actimeo=60: read stale" aaaa cat $m4/leases/stale
opens_are "the server has stale open no more within 10 s" 0 stale 10
# ksmbd lists no opens: wait past closetimeo (1 s) for the handle to close.
[ "$SERVER" != ksmbd ] || sleep 3
printf bbbb >$srv/stale
is "actimeo=60: read stale again, rewritten meanwhile" bbbb \
	cat $m4/leases/stale
check "actimeo=60: umount" umount $m4

# The second writes f: the break drops the first's cached pages, and
# its size is read again.
b0=$(breaks)
t0=$SECONDS
check "second: write f" sh -c "printf 'two, longer' >$m2/leases/f"
t1=$((SECONDS - t0))
if [ $t1 -lt 10 ]; then
	ok "the write took $t1 s: the break was acknowledged in time"
else
	fail "the write took less than 10 s" "it took $t1 s"
fi
check "first: its descriptor reads the second's write" within 10 "two, longer" rd 3
check "a lease break came" test "$(breaks)" -gt "$b0"
exec 3<&-

# The first writes FILE without fsync, opened with FLAGS (python's os.O_*),
# and keeps its descriptor, the only writable one: closing one, also a
# copy a child process inherited, writes dirty data back (->flush). With
# write caching the data stays in its cache, and the second's open has
# it written back.
write_held() { # file flags data was
	local written wpid
	coproc writer {
		python3 -c 'import os, sys
fd = os.open(sys.argv[1], eval(sys.argv[2]), 0o666)
os.pwrite(fd, sys.argv[3].encode(), 0)
print("written", flush=True)
sys.stdin.readline()' "$m1/leases/$1" "$2" "$3"
	}
	wpid=$!
	written=
	read -r -t 60 written <&"${writer[0]}"
	is "first: write $1" written echo "$written"
	is "$1: the write is not on the server yet" "$4" cat "$srv/$1"
	is "second: reads the first's write of $1" "$3" cat "$m2/leases/$1"
	is "which is on the server now" "$3" cat "$srv/$1"
	echo >&"${writer[1]}"
	wait "$wpid"
}

exec 4<$m1/leases/g
is "first: read g" "old g" rd 4
write_held g os.O_WRONLY "new g" "old g"
exec 4<&-
# The open that creates a file asks for the lease too.
write_held c "os.O_WRONLY | os.O_CREAT | os.O_EXCL" "new c" ""
# One that fails once the file is created (a fanotify listener on the
# first mount denies it) while another open of the new file holds the
# lease with it: the listener's own descriptor of the file, which
# fanotify opened for the event, and which writes into the page cache
# before the denial. The lease stays in force, and the second's open
# has that write written back (before, the failed open counted the
# lease as ended, the break wrote nothing back, and the second read an
# empty file).
coproc denied {
	python3 "$REPO/tests/lib/open_denied.py" "$m1" "$m1/leases/n" "new n"
}
dpid=$!
got=
read -r -t 60 got <&"${denied[0]}"
is "first: open(O_CREAT) of n denied, a listener's open wrote to it" \
	"EPERM written" echo "$got"
is "n: the write is not on the server yet" "" cat "$srv/n"
is "second: reads the listener's write of n" "new n" cat "$m2/leases/n"
is "which is on the server now" "new n" cat "$srv/n"
echo >&"${denied[1]}"
wait "$dpid"

# A break that comes while a write into the page cache under write
# caching is under way waits for it, so that the second's open, its lock
# and its record in the write's last page come after the whole write.
# The write's source is a file of a third mount, mapped, which the write
# reads as it goes, over a link of 8 Mbit/s: the write lasts seconds.
# Neither the first's channel, which the break takes (Samba drops one
# that has not taken a break in time), nor the second's carries those
# READs, whose answers would queue ahead. Before, the rest of the write
# went to the cache after the break, and to the server as whole pages,
# over the second's record.
head -c $((8 << 20)) /dev/urandom >$srv/wsrc
head -c $((8 << 20)) /dev/zero >$srv/wdst
chmod a+rw $srv/wsrc $srv/wdst
x=$(((8 << 20) - 4096 + 100))
check "mount smb3mc, a third, for the source" \
	mount -t smb3mc "//$SRV_IP/$SHARE" $m4 -o "$opts"
if [ -z "$RATE" ]; then
	tc qdisc add dev veth1 root tbf rate 8mbit burst 62500 latency 100ms
	ip netns exec "$SRV_NS" tc qdisc add dev sveth1 root tbf rate 8mbit burst 62500 latency 100ms
fi
python3 -c 'import mmap, os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
src = os.open(sys.argv[2], os.O_RDONLY)
print("start", flush=True)
try:
    os.pwrite(fd, mmap.mmap(src, 8 << 20, prot=mmap.PROT_READ), 0)
    os.close(fd)
    print("OK")
except OSError as e:
    print(e.strerror)' $m1/leases/wdst $m4/leases/wsrc >bigw.out 2>&1 &
bigw=$!
check "first: an 8 MiB write begins" \
	timeout 60 sh -c 'until grep -q start bigw.out; do sleep 0.1; done'
sleep 2
is "second: its record in the last page of the first's write" \
	OK python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
x = int(sys.argv[2])
fcntl.lockf(fd, fcntl.LOCK_EX, 8, x)
os.pwrite(fd, b"B0000001", x)
fcntl.lockf(fd, fcntl.LOCK_UN, 8, x)
os.close(fd)
print("OK")' $m2/leases/wdst $x
wait $bigw
is "first: the write and close" "start OK" paste -sd' ' bigw.out
check "umount the third" umount $m4
if [ -z "$RATE" ]; then
	tc qdisc del dev veth1 root
	ip netns exec "$SRV_NS" tc qdisc del dev sveth1 root
fi
md5() { md5sum | cut -c1-32; }
is "the server has the write, and the record over it" \
	"$(head -c $x $srv/wsrc | md5) B0000001 $(tail -c +$((x + 9)) $srv/wsrc | md5)" \
	echo "$(head -c $x $srv/wdst | md5) $(tail -c +$((x + 1)) $srv/wdst | head -c 8 | tr -c A-Za-z0-9 .) $(tail -c +$((x + 9)) $srv/wdst | md5)"

# This client's own rename of a file it writes: the rename holds the
# file's inode lock while the server breaks the writer's lease, and the
# break must not wait for a write waiting for that lock. Samba gives up
# on a break after 35 s; before, the rename took 37 s.
python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o666)
n = 0
t0 = time.time()
while time.time() - t0 < 6:
    n += os.write(fd, b"w" * 4096)
    time.sleep(0.01)
os.close(fd)
print(n)' $m1/leases/wr >wr.out 2>&1 &
wr=$!
sleep 2
t0=$SECONDS
check "first: rename a file it writes, within 20 s" \
	timeout 20 mv $m1/leases/wr $m1/leases/wr2
diag "the rename took $((SECONDS - t0)) s"
wait $wr
is "the writer's bytes are all in the renamed file" "$(cat wr.out)" \
	stat -c %s $srv/wr2

# nolease: the old behaviour.
check "mount smb3mc nolease" mount -t smb3mc "//$SRV_IP/$SHARE" $m3 -o "$opts,nolease"
check "/proc/mounts shows nolease" grep -q "$m3 smb3mc .*,nolease" /proc/mounts
exec 5<$m3/leases/h
is "nolease: read h" "old h" rd 5
b0=$(breaks)
check "second: write h" sh -c "printf 'new h' >$m2/leases/h"
sleep 2
is "nolease: no break came" "$b0" breaks
is "nolease: its descriptor reads its cache" "old h" rd 5
is "nolease: a new open sees the write" "new h" cat $m3/leases/h
exec 5<&-

# Encrypted sessions. A lease is the client's, not a session's: Samba
# sends its breaks with SessionId 0, which names no key to encrypt with,
# so in clear, also on the share enc, which requires encryption, and
# where only the mount chose to encrypt (seal). The client must act on it all
# the same: the first's descriptor reads the second's write.
sealed_break() { # desc share extra-options file
	local d=$1 f=$4 b0
	check "$d: mount" mount -t smb3mc "//$SRV_IP/$2" $m4 -o "$opts$3"
	exec 6<$m4/leases/$f
	is "$d: read $f" "old $f" rd 6
	b0=$(breaks)
	check "$d: second writes $f" sh -c "printf 'new $f' >$m2/leases/$f"
	check "$d: its descriptor reads the write" within 10 "new $f" rd 6
	check "$d: a lease break came" test "$(breaks)" -gt "$b0"
	exec 6<&-
	check "$d: umount" umount $m4
}
if [ "$SERVER" = ksmbd ]; then
	for c in mount "read e" "second writes e" \
		"its descriptor reads the write" "a lease break came" umount; do
		skip "share enc: $c" "ksmbd has no share that requires encryption"
	done
else
	sealed_break "share enc" "$ENC_SHARE" "" e
fi
sealed_break "seal" "$SHARE" ",seal" s

# ksmbd signs no answer to a lease break acknowledgment: taken. Before
# the outage below, after which ksmbd may answer a mount's new session
# "deleted", unsigned, when another mount names that session's id as its
# previous one (README, "Servers").
bad=$(dmesg | sed -n '/smb3mc t72: start/,$p' | grep 'missing or bad signature')
if [ -z "$bad" ]; then
	ok "the breaks so far: no answer refused for its signature"
else
	fail "the breaks so far: no answer refused for its signature" "$bad"
fi

# The server lost while a break is acknowledged: what the client sends
# is dropped (netem on its end of the link), so the break of the lease it
# holds on d still comes, from smbclient's write in the server's
# namespace, but the acknowledgment does not reach the server; then the
# server resets every connection to port 445 (ss -K), so that every
# channel is lost at once, as in a server restart (smbd itself stays: a
# new one would hold copies of our mounts in its mount namespace), and
# the client cannot reach it again. Closing d and evicting its inode
# (drop_caches) must not wait for the server, on this hard mount, for as
# long as it is away: no signal ends an eviction.
more_breaks() { [ "$(breaks)" -gt "$1" ] && echo yes; }
all_lost() { grep -q 'state good' /proc/fs/smb3mc/DebugData || echo yes; }
# Requests sent and not answered, on every channel.
in_flight() {
	grep -o 'in-flight [0-9]*' /proc/fs/smb3mc/DebugData |
		awk '{ n += $2 } END { if (n) print "yes" }'
}
# noatime: a read would dirty the inode, which drop_caches then leaves.
check "outage: mount" mount -t smb3mc "//$SRV_IP/$SHARE" $m4 \
	-o "$opts,noatime"
exec 7<>$m4/leases/d
is "outage: read d" "old d" rd 7
b0=$(breaks)
check "outage: drop what the client sends" \
	tc qdisc replace dev veth1 root netem loss 100%
printf 'new d' >put-d
# Not with our descriptor of d, which would keep d open.
ip netns exec "$SRV_NS" smbclient -s /dev/null "//$SRV_IP/$SHARE" \
	-U "$SMB_USER%$SMB_PASS" -c "put put-d leases/d" >smbclient.out 2>&1 7<&- &
put=$!
check "outage: the break came" within 60 yes more_breaks "$b0"
# Once the acknowledgment went out: a break reset before would find it
# not yet sent, and the eviction cancel it.
check "outage: the acknowledgment is in flight" within 30 yes in_flight
check "outage: reset the server's connections" \
	ip netns exec "$SRV_NS" ss -K -tn "sport = :445"
echo "smb3mc t72: connections reset" >/dev/kmsg
check "outage: every channel lost" within 30 yes all_lost
t0=$(date +%s%N)
exec 7<&-
# Its pages first, then the dentry and the inode; the second and third
# time for what the first found referenced.
sh -c 'for i in 1 2 3; do echo 3 >/proc/sys/vm/drop_caches; done' &
dropper=$!
for _ in $(seq 150); do
	kill -0 $dropper 2>/dev/null || break
	sleep 0.1
done
took=$((($(date +%s%N) - t0) / 1000000))
if kill -0 $dropper 2>/dev/null; then
	fail "outage: close and drop_caches end within 15 s" \
		"still waiting after $took ms"
else
	ok "outage: close and drop_caches took $took ms"
fi
check "outage: pass what the client sends again" tc qdisc del dev veth1 root
check "outage: drop_caches ends once the server is back" \
	timeout 120 sh -c "while kill -0 $dropper 2>/dev/null; do sleep 0.2; done"
wait $put
check "outage: the mount reads d again" timeout 60 cat $m4/leases/d
check "outage: umount" umount $m4

# A name looked up for the first time and a file removed by its name
# each cost one compound of CREATE, QUERY_INFO or SET_INFO, and CLOSE
# (MS-SMB2 3.2.4.1.4): one round trip where there were three.
check "compounds: mkdir cpd" mkdir $m1/leases/cpd
for i in $(seq 20); do printf "%${i}s" >$srv/cpd/f$i; done
c0=$(compounds)
check "compounds: stat of 20 names never looked up gives their sizes" \
	sh -c "for i in \$(seq 20); do [ \$(stat -c %s $m1/leases/cpd/f\$i) = \$i ] || exit 1; done"
c1=$(compounds)
counts "compounds: the 20 lookups' compounds" $((c1 - c0)) -ge 20
# A rename by name is one more. Every compound here has three parts
# (CREATE, QUERY_INFO or SET_INFO, CLOSE): the requests these 10 renames
# send outside compounds are those beyond three for each compound, where
# each rename sent its CREATE, SET_INFO and CLOSE alone before (30).
c1=$(compounds)
r1=$(requests first)
check "compounds: rename f1..f10 to g1..g10" python3 -c '
import os, sys
for i in range(1, 11):
    os.rename(sys.argv[1] + "/f%d" % i, sys.argv[1] + "/g%d" % i)' $m1/leases/cpd
c2=$(compounds)
lone=$(($(requests first) - r1 - 3 * (c2 - c1)))
counts "compounds: the 10 renames' requests alone ($((c2 - c1)) compounds)" \
	$lone -lt 10
is "compounds: g1..g10 on the server, f1..f10 gone" "$(seq -s ' ' 10)" sh -c \
	"cd $srv/cpd && for i in \$(seq 10); do [ ! -e f\$i ] && printf '%s ' \$(stat -c %s g\$i); done | sed 's/ \$//'"
# The first listing of a directory opens it in the same message (CREATE
# and QUERY_DIRECTORY): opened before, it sent no compound while listed.
is "compounds: listing an open directory sends one compound, 20 names" \
	"1 20" python3 -c '
import os, re, sys
def count():
    with open("/proc/fs/smb3mc/DebugData") as f:
        return sum(map(int, re.findall(r" compounds (\d+)", f.read())))
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
c0 = count()
n = len(os.listdir(fd))
print(count() - c0, n)' $m1/leases/cpd
# A listing gives every name's attributes: ls -l of 20 names this mount
# never looked up sends the listing only, not a lookup (a compound of
# three) for each name.
check "mkdir lsl" mkdir $m1/leases/lsl
for i in $(seq 20); do printf "%${i}s" >$srv/lsl/f$i; done
r1=$(requests first)
is "ls -l of 20 names never looked up gives their sizes" "$(seq -s ' ' 20)" \
	sh -c "ls -l $m1/leases/lsl | awk 'NR > 1 { print \$5 }' | sort -n | paste -sd ' '"
r2=$(requests first)
counts "ls -l of 20 names: requests" $((r2 - r1)) -lt 20
# A listing's attributes replace older ones, not only ones past actimeo:
# listed again 2.5 s after its first listing (actimeo=3), a name's stat
# 1 s later needs no request, where the first listing's would be stale.
# A removal through the mount between the two has the second ask the
# server, not list what the first kept (t73).
printf x >$srv/lsl/spare
check "actimeo=3: mount" mount -t smb3mc "//$SRV_IP/$SHARE" $m4 \
	-o "$opts,actimeo=3"
check "actimeo=3: ls lsl" ls $m4/leases/lsl
sleep 2.5
check "actimeo=3: rm spare, ls lsl again, 2.5 s later" \
	sh -c "rm $m4/leases/lsl/spare && ls $m4/leases/lsl"
sleep 1
r1=$(requests last)
# By name, not by a glob, which would list the directory once more.
check "actimeo=3: stat the 20 names 1 s later" \
	sh -c "stat \$(printf '$m4/leases/lsl/f%s ' \$(seq 20)) >/dev/null"
counts "actimeo=3: stat of 20 names listed again: requests" \
	$(($(requests last) - r1)) -lt 20
check "actimeo=3: umount" umount $m4
check "rm -r lsl" rm -r $m1/leases/lsl
c1=$(compounds)
check "compounds: rm the 20 files" sh -c "rm $m1/leases/cpd/*"
c2=$(compounds)
counts "compounds: the 20 removals' compounds" $((c2 - c1)) -ge 20
check "compounds: the server has none of them" \
	sh -c "[ -z \"\$(ls -A $srv/cpd)\" ]"
check "compounds: rmdir" rmdir $m1/leases/cpd
check "compounds: stat of a name not there fails ENOENT" \
	sh -c "stat $m1/leases/cpd/none 2>&1 | grep -q 'No such file'"

check "no break for a lease not held" \
	sh -c "! dmesg | sed -n '/smb3mc t72: start/,\$p' | grep -q 'which this mount does not hold'"
check "umount nolease" umount $m3
check "umount second" umount $m2
check "umount first" umount $m1
check "rmmod smb3mc" rmmod smb3mc
diag "t72 took $SECONDS s"
