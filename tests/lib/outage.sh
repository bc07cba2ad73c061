# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Helpers of the guest tests that take the server away (t45, t47, t48,
# t49): waiting, the four channels of DebugData, and killing and starting
# the server, smbd or ksmbd.

# shellcheck source=tests/lib/ksmbd.sh
. "$REPO/tests/lib/ksmbd.sh"

debugdata() { cat /proc/fs/smb3mc/DebugData; }
good_channels() { debugdata | grep -c 'state good'; }
all_good() { [ "$(good_channels)" -eq 4 ]; }
# A counter of the first session's line of DebugData.
ses_counter() {
	debugdata | awk -v k="$1" '/^session / {
		for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}
# A line in the guest's kernel log, to find a step by in dmesg.
mark() { echo "smb3mc guest: $*" >/dev/kmsg; }
# Wait up to $1 s for command $2... to succeed.
wait_for() {
	local t=$1 end
	shift
	end=$((SECONDS + t))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
# Process $1 is gone, or a zombie: it ended.
ended() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
size_at_least() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
listening() {
	if [ "$SERVER" = ksmbd ]; then
		ksmbd_listening
	else
		ip netns exec "$SRV_NS" ss -Hltn "sport = :445" | grep -q "$SRV_IP:445"
	fi
}
not_listening() { ! listening; }
# The server goes away: smbd with SIGKILL, or ksmbd shut down (its
# connections reset, its sessions gone).
server_kill() {
	if [ "$SERVER" = ksmbd ]; then
		ksmbd_stop
	else
		# shellcheck disable=SC2046
		kill -9 $(pidof smbd)
	fi
	mark "server killed"
	wait_for 10 not_listening
}
# smbd runs in a mount namespace of its own (ip netns exec), a copy of
# this one when it starts: started while a mount is there, it keeps the
# mount, and the module, until it exits. Not with the descriptors the
# tests hold open (6 to 9), which it would keep too.
server_start() {
	if [ "$SERVER" = ksmbd ]; then
		ksmbd_start
	else
		ip netns exec "$SRV_NS" smbd -D -s "$SMB_CONF" 6<&- 7<&- 8<&- 9<&- ||
			return 1
	fi
	mark "server started"
	wait_for 60 listening || return 1
	mark "server listening"
}
server_restart() { server_kill && server_start; }
