#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SMB 3.x encryption on the wire: -o seal on a plain share (3.1.1 and 3.0),
# a share with "smb encrypt = required" and one with "desired" mounted
# without options, and require_gcm_256. Each mount writes a marker string
# to a file and reads it back after dropping the caches while a capture
# runs on the link (tests/lib/smbcap.py; the guest has no tcpdump): the
# marker must be nowhere in clear, and every message after SESSION_SETUP
# (after the first TREE_CONNECT, for a share that asks for encryption)
# must be a transform message, 0xFD 'S' 'M' 'B'. A mount without
# encryption first shows that the capture sees the marker.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

mnt=/tmp/mnt/smb3mc
cap=$PWD/cap
smbcap=$REPO/tests/lib/smbcap.py
opts="username=$SMB_USER,password=$SMB_PASS"
mkdir -p $mnt
cap_pid=

cleanup() {
	grep -q " $mnt smb3mc " /proc/mounts && umount -l $mnt
	[ -z "$cap_pid" ] || kill "$cap_pid" 2>/dev/null
	_tap_end
}
trap cleanup EXIT

# Not under check: its output would be waited for. Python takes its time
# to start under TCG.
cap_start() {
	rm -f "$cap" "$cap.ready"
	python3 "$smbcap" capture veth1 "$cap" </dev/null >/dev/null \
		2>"$cap.err" &
	cap_pid=$!
	for _ in $(seq 600); do
		[ -e "$cap.ready" ] && return 0
		sleep 0.1
	done
	return 1
}

cap_stop() {
	kill "$cap_pid"
	wait "$cap_pid"
	cap_pid=
}

# Every stream of the capture: only the messages in $1 in clear, and
# those before any other; then transform messages only, at least one.
all_sealed() { # allowed-in-clear streams-file
	awk -v allowed=" $1 " '
		{ n++; i = 3
		  while (i <= NF && index(allowed, " " $i " ")) i++
		  if (i > NF) { print "no encrypted message: " $0; bad = 1 }
		  for (; i <= NF; i++)
			if ($i != "T") { print "in clear: " $0; bad = 1; break } }
		END { if (n < 2) { print "fewer than two streams"; bad = 1 }
		      exit bad }' "$2"
}

# One mount: name, share, extra options, the cipher DebugData shows ("off"
# for none), and what may go in clear before the first transform message.
run_case() {
	local name=$1 tree=$2 o=$3 cipher=$4 clear=$5
	local marker="marker-$name-$RANDOM$RANDOM-in-the-clear"
	local file=seal-$name

	if cap_start; then
		ok "$name: capture on veth1"
	else
		fail "$name: capture on veth1" "$(cat "$cap.err")"
	fi
	check "$name: mount //$SRV_IP/$tree${o:+ -o ${o#,}}" \
		mount -t smb3mc "//$SRV_IP/$tree" $mnt -o "$opts$o"
	check "$name: DebugData shows encryption $cipher" \
		grep -q "encryption $cipher\$" /proc/fs/smb3mc/DebugData
	check "$name: write the marker" \
		sh -c "printf %s '$marker' >$mnt/$file && sync $mnt/$file"
	check "$name: the server has it" \
		test "$(cat "$SRV_SHARE_DIR/$file")" = "$marker"
	echo 3 >/proc/sys/vm/drop_caches
	check "$name: read back after dropping caches" \
		test "$(cat "$mnt/$file")" = "$marker"
	check "$name: umount" umount $mnt
	cap_stop
	python3 "$smbcap" check "$cap" "$marker" >"$name.streams"
	diag "$(cat "$name.streams")"
	if [ "$cipher" = off ]; then
		check "$name: the capture sees the marker in clear" \
			grep -q MARKER "$name.streams"
		return
	fi
	check "$name: the marker nowhere in clear" \
		sh -c "! grep MARKER $name.streams"
	check "$name: only transform messages after $clear" \
		all_sealed "$clear" "$name.streams"
}

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"

setup="NEGOTIATE SESSION_SETUP"
run_case clear "$SHARE" "" off "$setup"
run_case seal "$SHARE" ",seal" AES-128-GCM "$setup"
run_case seal-3.0 "$SHARE" ",seal,vers=3.0" AES-128-CCM "$setup"
# The share's flag comes with the TREE_CONNECT response.
run_case required "$ENC_SHARE" "" AES-128-GCM "$setup TREE_CONNECT"
run_case desired "$ENC_DESIRED_SHARE" "" AES-128-GCM "$setup TREE_CONNECT"
run_case gcm256 "$SHARE" ",seal,require_gcm_256" AES-256-GCM "$setup"

e=$(python3 "$REPO/tests/lib/mount_errno.py" "//$SRV_IP/$SHARE" $mnt smb3mc \
	"$opts,require_gcm_256,vers=3.0")
if [ "$e" = EINVAL ]; then
	ok "require_gcm_256 with vers=3.0: EINVAL"
else
	fail "require_gcm_256 with vers=3.0: EINVAL" "got $e"
fi
check "require_gcm_256 with vers=3.0: message" \
	sh -c "dmesg | grep -q 'require_gcm_256 needs vers=3.1.1'"
check "dmesg has no password" sh -c "! dmesg | grep -q -- '$SMB_PASS'"
check "rmmod smb3mc" rmmod smb3mc
