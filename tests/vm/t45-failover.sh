#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multichannel failover: a 64 MiB copy to and from the mount survives one
# link going down in its middle (the requests of the lost channel go out
# again on the others), the channel comes back once the link does, and
# with every link down I/O on this soft mount fails with an errno once
# its soft_timeout passed, and umount still completes. The links are held
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

# Bytes of READ/WRITE data in flight on channel $1.
bytes_in_flight() {
	debugdata | awk -v c="$1:" '$1 == "channel" && $2 == c {
		for (i = 1; i < NF; i++) if ($i == "in-flight") print substr($(i + 2), 2) }'
}
carrying() { [ "$(bytes_in_flight "$1")" -ge 65536 ]; }

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

# Once $2 holds $3 bytes, drop the server's answers on link $1, so that
# what channel $4 then carries stays in flight (on a slow guest a link
# can sit idle while the CPU works); take the link down once it carries
# data, and wait until DebugData shows a channel lost. Runs in the
# background of a copy.
cut_link() { # link file bytes channel
	wait_for 120 size_at_least "$2" "$3" || return 1
	answers drop "$1"
	wait_for 60 carrying "$4" || return 1
	ip link set "veth$1" down
	echo "smb3mc guest: veth$1 down" >/dev/kmsg
	wait_for 60 fewer_good
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

# Write: the page cache takes the copy, sync sends it; link 2 goes down
# once a quarter is on the server.
ch=$(chan_to 198.18.2.2)
cut_link 2 $srv $((16 << 20)) "$ch" &
cutter=$!
t0=$SECONDS
check "cp 64 MiB to the mount" cp $src $mnt/fo.bin
check "sync the copy while link 2 goes down" sync $mnt/fo.bin
diag "write took $((SECONDS - t0)) s"
if wait $cutter; then
	ok "veth2 went down during the write; channel $ch lost after $(log_gap "veth2 down" "channel $ch lost") s"
else
	fail "veth2 went down during the write and the channel was seen lost" "$(debugdata)"
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

# Read, uncached: link 1, the primary channel's, goes down a quarter in.
echo 3 >/proc/sys/vm/drop_caches
ch=$(chan_to 198.18.1.2)
cut_link 1 $back $((16 << 20)) "$ch" &
cutter=$!
t0=$SECONDS
check "cp 64 MiB from the mount while link 1 goes down" cp $mnt/fo.bin $back
diag "read took $((SECONDS - t0)) s"
if wait $cutter; then
	ok "veth1 went down during the read; channel $ch lost after $(log_gap "veth1 down" "channel $ch lost") s"
else
	fail "veth1 went down during the read and the channel was seen lost" "$(debugdata)"
fi
expect_eq "the file read back has the checksum" "$(sha256sum <$back | cut -d' ' -f1)" "$want"
resent_r=$(counter resent)
if [ "$resent_r" -gt "$resent_w" ]; then
	ok "requests resent after the second loss: $((resent_r - resent_w))"
else
	fail "requests resent after the second loss" "$(debugdata)"
fi
restore_link 1 "$ch" 198.18.1.2
expect_eq "2 reconnects counted" "$(counter reconnects)" 2
check "a file reads intact over the restored channels" \
	sh -c "dd if=$mnt/fo.bin iflag=direct bs=1M status=none | cmp - $src"
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
