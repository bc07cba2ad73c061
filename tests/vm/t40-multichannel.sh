#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multichannel: with one link per server interface, a mount opens a channel
# on each (counted as TCP connections on the server), max_channels and
# nomultichannel bound it, and a sequential read uses every channel.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"

mnt=/tmp/mnt/mc
mkdir -p $mnt
opts="username=$SMB_USER,password=$SMB_PASS"
dd if=/dev/urandom of="$SRV_SHARE_DIR/mc-32M.bin" bs=1M count=32 status=none

# Established connections to the server's port 445, one client address each.
server_conns() {
	ip netns exec "$SRV_NS" ss -Htn state established '( sport = :445 )' |
		awk '{print $4}' | sed 's/:[0-9]*$//' | sort | uniq -c
}
good_channels() {
	grep -c 'state good' /proc/fs/smb3mc/DebugData
}

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"

# Bytes each channel received so far, one line per channel.
received() {
	awk '/channel [0-9]+:/ { for (i = 1; i < NF; i++) if ($i == "received") print $(i + 1) }' \
		/proc/fs/smb3mc/DebugData
}
# Runs a read and checks that each channel carried a fair share of it:
# on equal links an even split gives each a quarter. The links are not
# shaped, so each channel's share follows its round trips on a guest
# whose CPU is the bound: 0.15 still fails a channel that sat the read
# out or took little part.
expect_even() { # desc cmd...
	local desc=$1 shares
	shift
	received >/tmp/work/before
	check "$desc" "$@"
	received >/tmp/work/after
	shares=$(paste /tmp/work/before /tmp/work/after |
		awk '{ d[NR] = $2 - $1; s += d[NR] }
		     END { for (i = 1; i <= NR; i++) printf "%.2f ", s ? d[i] / s : 0 }')
	diag "share of each channel: $shares"
	expect_eq "$desc: 4 channels, each 0.15 of the bytes or more" \
		"$(echo "$shares" | awk '{ for (i = 1; i <= NF; i++) if ($i >= 0.15) n++ } END { print n + 0 }')" 4
}

check "mount with max_channels=4" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts,max_channels=4"
diag "$(cat /proc/fs/smb3mc/DebugData)"
expect_eq "4 channels good in DebugData" "$(good_channels)" 4
# While the session is there to show: its DebugData never has the password.
check "DebugData has no password" sh -c "! grep -q -- '$SMB_PASS' /proc/fs/smb3mc/DebugData"
conns=$(server_conns)
diag "server connections:" "$conns"
expect_eq "server sees 4 connections" "$(echo "$conns" | awk '{s += $1} END {print s}')" 4
expect_eq "one connection from each link" "$(echo "$conns" | wc -l)" 4
expect_even "a file reads intact over 4 channels" cmp $mnt/mc-32M.bin "$SRV_SHARE_DIR/mc-32M.bin"
diag "$(cat /proc/fs/smb3mc/DebugData)"
# One 1 MiB O_DIRECT read at a time is still cut across every channel.
expect_even "O_DIRECT 1 MiB reads intact" sh -c \
	"dd if=$mnt/mc-32M.bin iflag=direct bs=1M status=none | cmp - $SRV_SHARE_DIR/mc-32M.bin"
check "umount" umount $mnt
sleep 1
expect_eq "server connections closed after umount" "$(server_conns | wc -l)" 0

check "mount with max_channels=2" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts,max_channels=2"
expect_eq "2 channels" "$(good_channels)" 2
check "umount" umount $mnt

check "mount with nomultichannel" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts,nomultichannel"
expect_eq "1 channel" "$(good_channels)" 1
check "umount" umount $mnt

check "mount with the default channel count" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
expect_eq "4 channels by default when the server offers multichannel" "$(good_channels)" 4
check "umount" umount $mnt

check "rmmod smb3mc" rmmod smb3mc
