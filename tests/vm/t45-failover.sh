#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multichannel failover: a 64 MiB copy to and from the mount survives one
# link falling silent and then going down in its middle (the requests of
# the lost channel go out again on the others, or against ksmbd, which
# ends a session with the connection it was set up on, in a new session),
# the channel comes back once the link does, a read survives the server
# resetting the primary channel's connection, and with every link down
# I/O on this soft mount fails with an errno once its soft_timeout
# passed, and umount still completes. The links are held
# at 50 Mbit/s (unless --rate set them), so that the copy lasts seconds:
#   tests/run --links 4 t45
# With SEAL=1 (t46) every message is encrypted.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/shape.sh
. "$(dirname "$0")/../lib/shape.sh"
# shellcheck source=tests/lib/outage.sh
. "$(dirname "$0")/../lib/outage.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"

mnt=/tmp/mnt/fo
mkdir -p $mnt
# ECHO every 3 s, so a silent link is noticed in seconds; soft, so that
# with every link down I/O fails after 10 s (t47 checks hard).
opts="username=$SMB_USER,password=$SMB_PASS,max_channels=4,echo_interval=3,soft,soft_timeout=10"
[ -z "${SEAL:-}" ] || opts="$opts,seal"
src=/tmp/work/fo-src.bin
back=/tmp/work/fo-back.bin
srv=$SRV_SHARE_DIR/fo.bin
dd if=/dev/urandom of=$src bs=1M count=64 status=none
want=$(sha256sum <$src | cut -d' ' -f1)
: >$srv
chmod a+rw $srv

# Sum of one counter over the channel lines of DebugData.
counter() {
	debugdata | awk -v k="$1" '/channel [0-9]+:/ {
		for (i = 1; i < NF; i++) if ($i == k) n += $(i + 1) } END { print n + 0 }'
}
# The channel going to server address $1.
chan_to() {
	debugdata | sed -n "s/^  channel \([0-9]*\): .*-> $1:445 .*/\1/p" | head -n 1
}
# Seconds from the first kernel log line holding $1 to the next holding
# $2: the kernel's own timestamps, as polling is slow under TCG.
log_gap() {
	dmesg | awk -v a="$1" -v b="$2" '
		function ts(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
		!t0 && index($0, a) { t0 = ts($0); next }
		t0 && index($0, b) { printf "%.1f", ts($0) - t0; exit }'
}
fewer_good() { [ "$(good_channels)" -lt 4 ]; }

# Drop (or again pass) what the server sends on link $2: a netem queue
# in place of the link's tbf's own, or as its root on an unshaped link.
answers() { # drop|pass link
	local tbf where loss=100%
	tbf=$(ip netns exec "$SRV_NS" tc qdisc show dev "sveth$2" |
		awk '$2 == "tbf" { print $3; exit }')
	where=${tbf:+parent ${tbf}1}
	[ "$1" = drop ] || loss=0%
	# shellcheck disable=SC2086 # $where is two words or none
	ip netns exec "$SRV_NS" tc qdisc replace dev "sveth$2" \
		${where:-root} netem loss $loss
}

# Link $1 falls silent before a copy starts, so that what its channel
# is given stays in flight until the channel is seen lost (a size to
# wait for on the server is no trigger: against ksmbd the guest's CPU
# goes to the server's kernel threads and the copy's, and the test's
# polling saw the file whole before it saw a quarter of it).
silence_link() { # link
	answers drop "$1"
	echo "smb3mc guest: veth$1 silent" >/dev/kmsg
}

# Once the channel of silent link $1 is lost, take the link down, so that
# it stays lost until restore_link. Runs in the background of a copy.
cut_link() { # link
	wait_for 60 fewer_good || return 1
	ip link set "veth$1" down
	echo "smb3mc guest: veth$1 down" >/dev/kmsg
}

# Bring link $1 back, channel $2 to $3 must come back.
restore_link() { # link channel address
	answers pass "$1"
	ip link set "veth$1" up
	echo "smb3mc guest: veth$1 up" >/dev/kmsg
	if wait_for 60 all_good; then
		ok "veth$1 up: 4 channels good again, channel $2 after $(log_gap "veth$1 up" "channel $2 to $3:445 re-established") s"
	else
		fail "veth$1 up: 4 channels good again within 60 s" "$(debugdata)"
	fi
}

shape_links

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount with max_channels=4" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
expect_eq "4 channels good" "$(good_channels)" 4
if [ -n "${SEAL:-}" ]; then
	check "the session encrypts" \
		grep -q 'encryption AES-128-GCM$' /proc/fs/smb3mc/DebugData
fi
diag "$(debugdata)"

# Write: link 2 falls silent, then the copy starts; once its channel is
# lost, what it held goes out on the others and the link goes down.
ch=$(chan_to 198.18.2.2)
silence_link 2
cut_link 2 &
cutter=$!
t0=$SECONDS
check "cp 64 MiB to the mount while link 2 is silent" cp $src $mnt/fo.bin
check "sync the copy" sync $mnt/fo.bin
diag "write took $((SECONDS - t0)) s"
if wait $cutter; then
	ok "channel $ch lost $(log_gap "veth2 silent" "channel $ch lost") s after link 2 fell silent, during the write"
else
	fail "channel $ch seen lost after link 2 fell silent" "$(debugdata)"
fi
expect_eq "server's file has the copy's checksum" "$(sha256sum <$srv | cut -d' ' -f1)" "$want"
resent_w=$(counter resent)
diag "$(debugdata)"
if [ "$resent_w" -gt 0 ]; then
	ok "requests resent after the loss: $resent_w"
else
	fail "requests resent after the loss" "$(debugdata)"
fi
restore_link 2 "$ch" 198.18.2.2
check "dmesg: channel $ch lost" sh -c "dmesg | grep -q 'channel $ch lost'"
check "dmesg: channel $ch re-established" \
	sh -c "dmesg | grep -q 'channel $ch to 198.18.2.2:445 re-established'"

# Read, uncached: link 1, the primary channel's, falls silent as it
# starts. Samba drops that channel alone; ksmbd ends the session with
# it (ksmbd_sessions_deregister()), and smb3mc sets up a new one.
echo 3 >/proc/sys/vm/drop_caches
ch=$(chan_to 198.18.1.2)
silence_link 1
cut_link 1 &
cutter=$!
t0=$SECONDS
check "cp 64 MiB from the mount while link 1 is silent" cp $mnt/fo.bin $back
diag "read took $((SECONDS - t0)) s"
if wait $cutter; then
	ok "channel $ch lost $(log_gap "veth1 silent" "channel $ch lost") s after link 1 fell silent, during the read"
else
	fail "channel $ch seen lost after link 1 fell silent" "$(debugdata)"
fi
expect_eq "the file read back has the checksum" "$(sha256sum <$back | cut -d' ' -f1)" "$want"
resent_r=$(counter resent)
recoveries=$(debugdata | sed -n 's/^session .* recoveries \([0-9]*\) .*/\1/p')
if [ "$SERVER" = ksmbd ]; then
	# Where ksmbd saw the connection end; not where the link went down
	# first.
	if [ "$recoveries" -le 1 ]; then
		ok "ksmbd: the session kept, or ended with channel $ch and a new one set up: $recoveries new"
	else
		fail "ksmbd: at most one new session" "$(debugdata)"
	fi
	diag "requests resent after the second loss: $((resent_r - resent_w))"
else
	expect_eq "Samba: the session kept" "$recoveries" 0
	if [ "$resent_r" -gt "$resent_w" ]; then
		ok "requests resent after the second loss: $((resent_r - resent_w))"
	else
		fail "requests resent after the second loss" "$(debugdata)"
	fi
fi
restore_link 1 "$ch" 198.18.1.2
if [ "$SERVER" = ksmbd ]; then
	# 2 as against Samba, or channel 1 of the write and all four again
	reconnects=$(counter reconnects)
	if [ "$reconnects" -eq 2 ] || [ "$reconnects" -eq 5 ]; then
		ok "ksmbd: $reconnects reconnects counted"
	else
		fail "ksmbd: 2 or 5 reconnects counted" "$(debugdata)"
	fi
else
	expect_eq "Samba: 2 reconnects counted" "$(counter reconnects)" 2
fi
check "a file reads intact over the restored channels" \
	sh -c "dd if=$mnt/fo.bin iflag=direct bs=1M status=none | cmp - $src"
diag "$(debugdata)"

# The server resets the primary channel's connection during a read:
# Samba drops that channel, ksmbd the session with it, and every channel
# loses its READs at once. The read completes all the same (on this soft
# mount, half such READs once failed at once with "unreachable for
# soft_timeout").
echo 3 >/proc/sys/vm/drop_caches
(
	sleep 1.5
	mark "the server resets channel 0"
	ip netns exec "$SRV_NS" ss -K -t state established src 198.18.1.2 \
		sport = :445 >/dev/null
) &
resetter=$!
check "cp 64 MiB from the mount while the server resets channel 0" \
	cp $mnt/fo.bin $back
wait $resetter
expect_eq "the file read back has the checksum" "$(sha256sum <$back | cut -d' ' -f1)" "$want"
check "4 channels good again" wait_for 60 all_good
diag "$(debugdata)"

# Every link down: an uncached read fails with an errno, in bounded time.
for i in 1 2 3 4; do
	ip link set "veth$i" down
done
echo "smb3mc guest: all links down" >/dev/kmsg
t0=$SECONDS
if out=$(timeout 90 dd if=$mnt/fo.bin of=/dev/null iflag=direct bs=1M count=8 2>&1); then
	fail "O_DIRECT read with every link down fails" "it succeeded: $out"
else
	rc=$?
	if [ "$rc" -ne 124 ] && [ $((SECONDS - t0)) -le 60 ]; then
		ok "O_DIRECT read with every link down fails after $((SECONDS - t0)) s: ${out%%$'\n'*}"
	else
		fail "O_DIRECT read with every link down fails within 60 s" \
			"status $rc after $((SECONDS - t0)) s: $out"
	fi
fi
diag "$(debugdata)"
t0=$SECONDS
check "umount with every link down" timeout 30 umount $mnt
diag "umount took $((SECONDS - t0)) s"
for i in 1 2 3 4; do
	ip link set "veth$i" up
done
check "rmmod smb3mc" rmmod smb3mc
unshape_links
rm -f $src $back $srv
