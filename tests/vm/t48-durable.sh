#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Durable handles: each open of a regular file, also the one that
# creates it, asks for a lease with handle caching (by default) and a
# durable handle v2. Every link drops everything (tc netem, the links
# stay up) for 20 s while a 128 MiB copy goes to the mount, a descriptor
# is held open and another process holds a byte-range lock; smbd stays
# up and keeps the opens. The client sets up a new session and reclaims
# the handles (DH2C): the copy completes intact without an error, the
# descriptor reads, the lock is still held, and DebugData counts the
# handles reclaimed. A second descriptor is closed while no channel is
# left: the new session reclaims its handle to close it, and the server
# holds it no longer (Samba would keep it, disconnected, until its
# durable timeout). After a second outage the descriptor held still
# reads, its handle reclaimed again if the client set up a new session.
# Then smbd is killed and started again: the server forgot the handles,
# the reclaim fails and the files are opened again by name. Last, a
# mount made after that is unmounted while every link drops everything:
# umount ends the connect in progress and returns in seconds. Over four
# links held at 50 Mbit/s:
#   tests/run --links 4 t48
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/shape.sh
. "$(dirname "$0")/../lib/shape.sh"
# shellcheck source=tests/lib/outage.sh
. "$(dirname "$0")/../lib/outage.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"
[ "$SERVER" = samba ] ||
	skip_all "needs Samba: its share for durable handles, and smbd's restart"

mnt=/tmp/mnt/dur
other=/tmp/mnt/dur-other
mkdir -p $mnt $other
# ECHO every 3 s, so a silent link is noticed in seconds.
opts="username=$SMB_USER,password=$SMB_PASS,max_channels=4,echo_interval=3"
src=/tmp/work/dur-src.bin
srv=$SRV_SHARE_DIR/dur.bin
dd if=/dev/urandom of=$src bs=1M count=128 status=none
want=$(sha256sum <$src | cut -d' ' -f1)
# The copy creates its file: cp opens it with O_CREAT.
rm -f $srv
echo held-open >$SRV_SHARE_DIR/dur-held.txt
echo lock-me >$SRV_SHARE_DIR/dur-lock.txt
echo closed-in-the-outage >$SRV_SHARE_DIR/dur-gone.txt
chmod a+rw $SRV_SHARE_DIR/dur-held.txt $SRV_SHARE_DIR/dur-lock.txt \
	$SRV_SHARE_DIR/dur-gone.txt

locks() { python3 "$REPO/tests/lib/locks.py" "$@"; }
# The descriptor held open (7) reads the file from its start.
held_reads() {
	[ "$(python3 -c 'import os; print(os.pread(7, 100, 0).decode().strip())')" = held-open ]
}

# Drop (drop) or pass again (pass) everything on link $2, both ways: a
# netem queue in place of the link's tbf's own, or as the root of an
# unshaped link, taken away again.
link_drop() { # drop|pass link
	local dev ns tbf loss=100%
	[ "$1" = drop ] || loss=0%
	for dev in "veth$2" "sveth$2"; do
		ns=()
		[ "$dev" = "veth$2" ] || ns=(ip netns exec "$SRV_NS")
		tbf=$("${ns[@]}" tc qdisc show dev "$dev" |
			awk '$2 == "tbf" { print $3; exit }')
		if [ -n "$tbf" ]; then
			"${ns[@]}" tc qdisc replace dev "$dev" parent "${tbf}1" \
				netem loss $loss
		elif [ "$1" = drop ]; then
			"${ns[@]}" tc qdisc replace dev "$dev" root netem loss 100%
		else
			"${ns[@]}" tc qdisc del dev "$dev" root
		fi
	done
}
no_channel() { [ "$(good_channels)" -eq 0 ]; }
# The server's opens, disconnected ones too (-f: without checking that
# their smbd runs).
server_opens() { ip netns exec "$SRV_NS" smbstatus -s "$SMB_CONF" -L -f 2>&1; }
# Once $1 holds $2 bytes, every link drops everything for $3 seconds;
# once no channel is left, descriptor 8 is closed.
outage_during() { # file bytes seconds
	local i t0 lost=yes
	wait_for 120 size_at_least "$1" "$2" || return 1
	for i in 1 2 3 4; do
		link_drop drop $i || return 1
	done
	mark "every link drops"
	t0=$SECONDS
	# Not lost in time: the outage still ends, and fails.
	wait_for "$3" no_channel || lost=
	exec 8<&-
	mark "descriptor 8 closed, every channel lost: ${lost:-no}"
	[ $((SECONDS - t0)) -ge "$3" ] || sleep $(($3 - (SECONDS - t0)))
	for i in 1 2 3 4; do
		link_drop pass $i || return 1
	done
	mark "every link passes again"
	[ -n "$lost" ]
}

shape_links

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount $DUR_SHARE with max_channels=4" \
	mount -t smb3mc "//$SRV_IP/$DUR_SHARE" $mnt -o "$opts"
check "4 channels good" all_good

# A descriptor held open, and a byte-range lock held, across the outage.
exec 7<$mnt/dur-held.txt
# Not through locks(): $! must be python's own, for the kill below.
python3 "$REPO/tests/lib/locks.py" hold $mnt/dur-lock.txt w 0 4096 0 \
	>/tmp/t48-hold.out 2>&1 &
locker=$!
check "a process holds a lock" wait_for 10 grep -q HELD /tmp/t48-hold.out
diag "$(ip netns exec "$SRV_NS" smbstatus -s "$SMB_CONF" -L 2>&1 | tail -n 8)"

mark "outage"
# Held by the background only, which closes it.
exec 8<$mnt/dur-gone.txt
outage_during $srv $((16 << 20)) 20 &
outage=$!
exec 8<&-
t0=$SECONDS
check "cp 128 MiB to the mount across a 20 s outage of every link" \
	cp $src $mnt/dur.bin
diag "the copy took $((SECONDS - t0)) s"
if wait $outage; then
	ok "every link dropped everything for 20 s during the copy, a descriptor closed without a channel"
else
	fail "every link dropped everything for 20 s during the copy, a descriptor closed without a channel" \
		"$(debugdata)"
fi
expect_eq "server's file has the copy's checksum" \
	"$(sha256sum <$srv | cut -d' ' -f1)" "$want"
if wait_for 60 all_good; then
	ok "4 channels good again"
else
	fail "4 channels good again" "$(debugdata)"
fi
reclaimed=$(ses_counter reclaimed)
if [ "${reclaimed:-0}" -gt 0 ]; then
	ok "DebugData: $reclaimed durable handles reclaimed"
else
	fail "DebugData: durable handles reclaimed" "$(debugdata)" \
		"$(dmesg | grep smb3mc | tail -n 30)"
fi
expect_eq "DebugData: no file opened again by name" \
	"$(ses_counter reopened)" 0
opens=$(server_opens)
if grep -q dur-held.txt <<<"$opens" && ! grep -q dur-gone.txt <<<"$opens"; then
	ok "the server holds the file closed in the outage no longer"
else
	fail "the server holds the file closed in the outage no longer" "$opens"
fi
diag "$(debugdata)"
echo 3 >/proc/sys/vm/drop_caches
check "the descriptor held open reads" held_reads
check "mount $DUR_SHARE again, another session" \
	mount -t smb3mc "//$SRV_IP/$DUR_SHARE" $other -o "$opts"
expect_eq "the lock held across the outage: another session's is refused" \
	"$(locks try $other/dur-lock.txt w 0 4096)" EAGAIN
kill $locker
wait $locker 2>/dev/null
expect_eq "its holder gone, another session gets the lock" \
	"$(locks try $other/dur-lock.txt w 0 4096)" OK
check "umount the other mount" umount $other

# A second outage: the handle reclaimed is still durable. Whether the
# client sets up a new session, or binds its channels to the old one
# again (smbd, which saw no connection end, still has it), depends on
# which it finds first: a new session must reclaim the handle again.
recoveries=$(ses_counter recoveries)
reclaimed=$(ses_counter reclaimed)
reopened=$(ses_counter reopened)
for i in 1 2 3 4; do
	link_drop drop $i
done
mark "second outage"
check "second outage: every channel lost" wait_for 30 no_channel
for i in 1 2 3 4; do
	link_drop pass $i
done
if wait_for 60 all_good; then
	ok "4 channels good again after the second outage"
else
	fail "4 channels good again after the second outage" "$(debugdata)"
fi
got=$(ses_counter reclaimed)
if [ "$(ses_counter recoveries)" -eq "$recoveries" ]; then
	ok "the session outlived the second outage: nothing to reclaim"
elif [ "${got:-0}" -gt "$reclaimed" ]; then
	ok "a new session after the second outage: reclaimed $reclaimed, then $got"
else
	fail "a new session after the second outage reclaims the handle" \
		"$(debugdata)" "$(dmesg | grep smb3mc | tail -n 30)"
fi
expect_eq "DebugData: no file opened by name after the second outage" \
	"$(ses_counter reopened)" "$reopened"
echo 3 >/proc/sys/vm/drop_caches
check "the descriptor held open reads after the second outage" held_reads

# smbd restarted: it forgot the durable handles; they are opened by name.
mark "restart"
reopened=$(ses_counter reopened)
check "smbd killed" server_kill
sleep 2
check "smbd started again" server_start
if wait_for 60 all_good; then
	ok "4 channels good again after the restart"
else
	fail "4 channels good again after the restart" "$(debugdata)"
fi
echo 3 >/proc/sys/vm/drop_caches
check "the descriptor held open reads after the restart" held_reads
exec 7<&-
got=$(ses_counter reopened)
if [ "${got:-0}" -gt "$reopened" ]; then
	ok "DebugData: the file opened again by name"
else
	fail "DebugData: the file opened again by name" "$(debugdata)" \
		"$(dmesg | grep smb3mc | tail -n 30)"
fi
check "dmesg: its durable handle was not reclaimed" \
	sh -c "dmesg | grep -q 'dur-held.txt: durable handle not reclaimed'"
check "umount" umount $mnt
check "smbd started again, without the mount" server_restart

# umount while every link drops everything: the connect that sets up a
# new session waits for an answer that does not come, and umount aborts
# it. smbd, started again above, holds no copy of this mount.
check "mount again" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
check "4 channels good" wait_for 30 all_good
for i in 1 2 3 4; do
	link_drop drop $i
done
mark "every link drops, then umount"
check "every channel lost" wait_for 30 no_channel
sleep 1
t0=$EPOCHREALTIME
check "umount while the server is out of reach" umount $mnt
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
if [ "$took" -lt 5000 ]; then
	ok "that umount took $took ms"
else
	fail "that umount took under 5000 ms" "it took $took ms"
fi
for i in 1 2 3 4; do
	link_drop pass $i
done
# The processes that still have a mount of the module, in a namespace
# of their own.
holders() {
	local f
	for f in /proc/[0-9]*/mountinfo; do
		grep -q ' - smb3mc ' "$f" 2>/dev/null || continue
		f=${f%/mountinfo}
		echo "${f#/proc/} $(tr '\0' ' ' <"$f/cmdline")"
	done
}
if wait_for 20 rmmod smb3mc 2>/dev/null; then
	ok "rmmod smb3mc"
else
	fail "rmmod smb3mc" "$(lsmod | grep smb3mc)" "$(holders)"
fi
unshape_links
rm -f $src $srv $SRV_SHARE_DIR/dur-held.txt $SRV_SHARE_DIR/dur-lock.txt \
	$SRV_SHARE_DIR/dur-gone.txt
