#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SMB 3.x encryption and signing on the wire, over four links with a
# channel on each: -o seal on a plain share (3.1.1 and 3.0), a share with
# "smb encrypt = required" and one with "desired" mounted without options
# (ksmbd: a server that requires encryption of every session), and
# require_gcm_256; then signing without encryption, also against a
# server that requires it of a mount with nosign. Each mount writes a
# marker string to a file and reads it back after dropping the caches
# while a capture runs on every link (tests/lib/smbcap.py; the guest has
# no tcpdump): sealed, the marker must be nowhere in clear, and every
# message after SESSION_SETUP (after the first TREE_CONNECT, for a share
# that asks for encryption) must be a transform message, 0xFD 'S' 'M' 'B';
# signed, the capture sees the marker, and every message after
# SESSION_SETUP is signed.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/outage.sh
. "$REPO/tests/lib/outage.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"
# 1 against ksmbd, whose answers to an encrypted ECHO come in clear.
on_ksmbd=$([ "$SERVER" = ksmbd ] && echo 1)

mnt=/tmp/mnt/smb3mc
cap=$PWD/cap
smbcap=$REPO/tests/lib/smbcap.py
opts="username=$SMB_USER,password=$SMB_PASS,max_channels=$LINKS"
mkdir -p $mnt
cap_pids=()

cleanup() {
	grep -q " $mnt smb3mc " /proc/mounts && umount -l $mnt
	[ ${#cap_pids[@]} = 0 ] || kill "${cap_pids[@]}" 2>/dev/null
	_tap_end
}
trap cleanup EXIT

# One capture a link, into $cap.N. Not under check: its output would be
# waited for. Python takes its time to start under TCG.
cap_start() {
	local i
	for i in $(seq "$LINKS"); do
		rm -f "$cap.$i" "$cap.$i.ready"
		python3 "$smbcap" capture "veth$i" "$cap.$i" </dev/null \
			>/dev/null 2>"$cap.err" &
		cap_pids+=($!)
	done
	for i in $(seq "$LINKS"); do
		for _ in $(seq 600); do
			[ -e "$cap.$i.ready" ] && break
			sleep 0.1
		done
		[ -e "$cap.$i.ready" ] || return 1
	done
}

cap_stop() {
	kill "${cap_pids[@]}"
	wait "${cap_pids[@]}"
	cap_pids=()
}

# Each link's capture holds the streams of one channel, both ways.
# Every stream: only the messages in $1 in clear, and those before any
# other; then transform messages only, at least one. ksmbd answers an
# encrypted ECHO in clear (README, "Servers"): those answers may come
# anywhere.
all_sealed() { # allowed-in-clear streams-file
	awk -v allowed=" $1 " -v echo_clear="$on_ksmbd" '
		{ n++; i = 3
		  while (i <= NF && index(allowed, " " substr($i, 1, length($i) - ($i ~ /\*$/)) " ")) i++
		  if (i > NF) { print "no encrypted message: " $0; bad = 1 }
		  for (; i <= NF; i++)
			if ($i != "T" && !(echo_clear && $i == "ECHO")) {
				print "in clear: " $0; bad = 1; break } }
		END { if (n < 2) { print "fewer than two streams"; bad = 1 }
		      exit bad }' "$2"
}

# Every stream: nothing but NEGOTIATE, SESSION_SETUP and interim
# responses unsigned, and a signed message after them.
all_signed() { # streams-file
	awk '
		{ n++; signed = 0
		  for (i = 3; i <= NF; i++) {
			if ($i ~ /\*$/) { signed = 1; continue }
			if ($i == "MARKER" || $i ~ /~$/) continue
			# An ECHO in clear goes outside the session, unsigned
			# (smb3mc_cmd_in_session()), as cifs.ko sends it.
			if ($i == "ECHO") continue
			if (signed || ($i != "NEGOTIATE" && $i != "SESSION_SETUP")) {
				print "unsigned " $i ": " $0; bad = 1; break }
		  }
		  if (!signed) { print "nothing signed: " $0; bad = 1 } }
		END { if (n < 2) { print "fewer than two streams"; bad = 1 }
		      exit bad }' "$1"
}

# DebugData has a channel on every link, and each counts messages sent
# and received sealed ("yes"), or none either way ("no"). ksmbd answers
# the encrypted ECHO that ends a channel's binding in clear: a channel
# that sent nothing else received nothing sealed.
chans_sealed() { # yes|no
	awk -v want="$1" -v links="$LINKS" -v ksmbd="$on_ksmbd" '
		/channel [0-9]+:/ {
			n++; out = -1; in_ = -1
			for (i = 1; i < NF; i++)
				if ($i == "sealed" && $(i + 1) == "out" && $(i + 3) == "in") {
					out = $(i + 2); in_ = $(i + 4) }
			sealed = out > 0 && (in_ > 0 || (ksmbd && out == 1))
			if (out < 0) { print "no sealed counts: " $0; bad = 1 }
			else if ((want == "yes") != sealed ||
				 (want == "no" && out + in_ > 0)) {
				print "sealed out " out " in " in_ ": " $0; bad = 1 } }
		END { if (n != links) { print n " channels"; bad = 1 }
		      exit bad }' /proc/fs/smb3mc/DebugData
}

# Each link's streams file passes $1.
every_link() { # check name
	local i
	for i in $(seq "$LINKS"); do
		"$1" "${@:2}" "$name.$i.streams" || return 1
	done
}

# One mount: name, share, extra options, the cipher DebugData shows ("off"
# for none), and what may go in clear before the first transform message.
run_case() {
	local name=$1 tree=$2 o=$3 cipher=$4 clear=$5
	local i
	local marker="marker-$name-$RANDOM$RANDOM-in-the-clear"
	local file=seal-$name

	if cap_start; then
		ok "$name: capture on every link"
	else
		fail "$name: capture on every link" "$(cat "$cap.err")"
	fi
	check "$name: mount //$SRV_IP/$tree${o:+ -o ${o#,}}" \
		mount -t smb3mc "//$SRV_IP/$tree" $mnt -o "$opts$o"
	check "$name: DebugData shows encryption $cipher" \
		grep -q "encryption $cipher\$" /proc/fs/smb3mc/DebugData
	if [ "$cipher" = off ]; then
		check "$name: DebugData shows signing" \
			sh -c "grep -q ' signing ' /proc/fs/smb3mc/DebugData &&
				! grep -q ' signing off ' /proc/fs/smb3mc/DebugData"
	fi
	check "$name: write the marker" \
		sh -c "printf %s '$marker' >$mnt/$file && sync $mnt/$file"
	check "$name: the server has it" \
		test "$(cat "$SRV_SHARE_DIR/$file")" = "$marker"
	echo 3 >/proc/sys/vm/drop_caches
	check "$name: read back after dropping caches" \
		test "$(cat "$mnt/$file")" = "$marker"
	if [ "$cipher" = off ]; then
		check "$name: DebugData: no channel sealed a message" \
			chans_sealed no
	else
		check "$name: DebugData: every channel sealed messages both ways" \
			chans_sealed yes
	fi
	check "$name: umount" umount $mnt
	cap_stop
	for i in $(seq "$LINKS"); do
		python3 "$smbcap" check "$cap.$i" "$marker" >"$name.$i.streams"
		diag "veth$i: $(cat "$name.$i.streams")"
	done
	if [ "$cipher" = off ]; then
		check "$name: the capture sees the marker in clear" \
			sh -c "cat $name.*.streams | grep -q MARKER"
		check "$name: every message after SESSION_SETUP signed, on every link" \
			every_link all_signed
		return
	fi
	check "$name: the marker nowhere in clear" \
		sh -c "! cat $name.*.streams | grep MARKER"
	check "$name: only transform messages after $clear, on every link" \
		every_link all_sealed "$clear"
}

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"

setup="NEGOTIATE SESSION_SETUP"
run_case clear "$SHARE" "" off "$setup"
run_case seal "$SHARE" ",seal" AES-128-GCM "$setup"
run_case seal-3.0 "$SHARE" ",seal,vers=3.0" AES-128-CCM "$setup"
run_case gcm256 "$SHARE" ",seal,require_gcm_256" AES-256-GCM "$setup"

# A global setting: Samba reloads its configuration; ksmbd takes such
# settings only at start, so it is restarted (tests/lib/outage.sh).
conf_global() { # sed-script
	if [ "$SERVER" = ksmbd ]; then
		sed -i "$1" "$KSMBD_DIR/ksmbd.conf" && server_restart
	else
		sed -i "$1" "$SMB_CONF" &&
			ip netns exec "$SRV_NS" smbcontrol -s "$SMB_CONF" \
				smbd reload-config
	fi
}
conf_set() { conf_global "s/^\[global\]\$/&\n\t$1/"; }
conf_unset() { conf_global "/^\t$1\$/d"; }

if [ "$SERVER" = ksmbd ]; then
	# ksmbd-tools has no share that requires encryption, only a server
	# that requires it of every session: the session's flag comes with
	# the SESSION_SETUP response.
	check "ksmbd restarts with smb3 encryption = mandatory" \
		conf_set "smb3 encryption = mandatory"
	run_case required "$SHARE" "" AES-128-GCM "$setup"
	check "ksmbd restarts without it" \
		conf_unset "smb3 encryption = mandatory"
else
	# The share's flag comes with the TREE_CONNECT response.
	run_case required "$ENC_SHARE" "" AES-128-GCM "$setup TREE_CONNECT"
	run_case desired "$ENC_DESIRED_SHARE" "" AES-128-GCM \
		"$setup TREE_CONNECT"
fi

# A server that requires signing gets it from a mount with nosign.
check "the server restarts or reloads with server signing = mandatory" \
	conf_set "server signing = mandatory"
run_case mandatory "$SHARE" ",nosign" off "$setup"
check "the server restarts or reloads without it" \
	conf_unset "server signing = mandatory"

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
