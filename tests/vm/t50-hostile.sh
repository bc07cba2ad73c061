#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A hostile server (tests/hostile/server.py, issue 17): each case is one
# misbehaviour on its own address 198.18.1.100+, port 4450, in the server's
# namespace. Per case: mount, the call the case spoils, under a time limit;
# the errno expected (or, where it drops the connection once, the answer
# in the new session the client sets up), a message in dmesg naming that
# server, no oops or warning, umount. A Samba mount stays up throughout
# and must still work, and the module must unload at the end. Where a
# call waits on the server, SIGKILL must end it within seconds.
# Time limit: 1200 s (the cases took 244 s to 284 s in CI runs of 2026-12,
# 327 s with fuzz on 6.12; 404 s on 6.1 and 424 s on 6.12 with
# close-late, 2026-12-05; with the cut, lock and busy cases, 467 s on 6.1
# alone, and 507 s on 6.1 and 454 s on 6.12 in the fresh-clone run of
# 4f83cac, 2026-12-06; on a slower machine, 6.12 alone, 604 s at
# dd22877 and 680 s with write-late to busy-teardown, 2026-12-06; with
# the two kernels' guests side by side, 813 s and 809 s in the
# fresh-clone run of 947dcdf, 2026-12-07).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

hostile=$REPO/tests/hostile
port=4450
work=$PWD
opts="username=$SMB_USER,password=$SMB_PASS,port=$port"
hello=hello_from_the_smb3mc_hostile_server
other=other_file_on_the_smb3mc_hostile_one
bad_dmesg='Oops|BUG:|WARNING:|KASAN|general protection|Call Trace|possible circular locking|INFO: |kmemleak'
pids=()

# The cases, each on 198.18.1.(100 + its index).
cases=(none none-3.0 frame0 frame63 frame-huge bad-protocol
	truncated/QUERY_DIRECTORY/0 next-past next-garbage unknown-mid/READ/0
	duplicate credits-65535 bad-sig/SESSION_SETUP/2 bad-sig/TREE_CONNECT
	bad-sig/CREATE/2 bad-sig/QUERY_DIRECTORY/0 bad-sig/READ/0 eof-frame-sig
	eof-frame-bad silent dialect-not-offered
	sign-alg-0 iface-loopback iface-malformed iface-unreachable nlink0
	eof-huge read-extra
	read-extra-padded answer-mid-write interims zero-credits bind-sessionid
	ino0 ino-dup bind-echo)
cases+=(create-dir stop-reading other-channel go-silent)
cases+=(seal-none seal-none-3.0 seal-bad-tag/READ/0 seal-truncated
	seal-clear/READ/0 seal-replay seal-echo-clear)
cases+=(break-unknown break-storm break-malformed)
cases+=(fid-reuse reopen-drop silent-reconnect guid-change close-race
	bind-restart session-deleted)
cases+=(dh2q-malformed dh2c-refused)
cases+=(seal-break seal-break-clear)
cases+=(compound-part-missing)
cases+=(ca-restart link-restart)
cases+=(dir-empty dir-dots dir-badnames relapse dir-loop)
cases+=(tcon-twice tcon-twice-bad)
cases+=(cancel-unsigned seal-cancel-clear cancelled-unasked ack-unsigned)
cases+=(close-late)
cases+=(seal-forged-echo compound-many dir-stale-size write-full)
cases+=(read-cut read-dribble write-cut write-none write-gap unlock-silent
	busy)
cases+=(read-killed few-credits read-late write-late bind-drop
	break-after-close lock-pending busy-teardown)
cases+=(dir-stale-cached)
cases+=(dir-stale-larger dir-stale-link)
cases+=(ifaces-pending)
cases+=(pending-sync/READ/0)
cases+=(create-late credits-forged)
cases+=(open-listing-race truncate-race create-forged)
cases+=(lock-replay nlink-max close-race-pending split-drop trans-16k
	split-replay)
cases+=(create-replay getlk-replay seal-vneg append-race chmod-race
	read-close dir-replay ca-break mkdir-root-id restart-smaller link-race
	bind-refuse dir-resend root-drop dir-id-reuse iface-refused mc-gone
	dir-resend-twice tcon-drop iface-many-refused)
cases+=(seal-fuzz)
cases+=(fuzz)
# The fuzz case's seed (server.py --seed): another spoils other answers.
seed=1

addr_of() {
	local i
	for i in "${!cases[@]}"; do
		[ "${cases[$i]}" = "$1" ] && echo "198.18.1.$((100 + i))"
	done
}

cleanup() {
	local m
	for m in "$work"/mnt/*; do
		grep -q " $m smb3mc " /proc/mounts && umount -l "$m"
	done
	for m in "${pids[@]}"; do
		kill "$m" 2>/dev/null
	done
	_tap_end
}
trap cleanup EXIT

# Records of a case, replayed as TAP in order once all cases ended (some
# run in the background): "ok<TAB>desc" or "fail<TAB>desc<TAB>diag".
rec() {
	printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$out"
}
expect() { # desc actual wanted...
	local d=$1 a=$2 w
	shift 2
	for w in "$@"; do
		[ "$a" = "$w" ] && { rec ok "$d ($a)"; return 0; }
	done
	rec fail "$d" "got $a, want $*"
	return 1
}
between() { # desc n min max
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		rec ok "$1: $2"
	else
		rec fail "$1: $3 to $4" "$2"
	fi
}
within() { # desc ms limit_s
	if [ "$2" -le $(($3 * 1000)) ]; then
		rec ok "$1 within $3 s ($2 ms)"
	else
		rec fail "$1 within $3 s" "took $2 ms"
	fi
}

# timeout(1) with its arguments: the output in $r, the exit status in
# $rc and the time taken in ms in $took.
timed() {
	local t0
	t0=$(date +%s%N)
	r=$(timeout -k 3 "$@" 2>&1)
	rc=$?
	took=$((($(date +%s%N) - t0) / 1000000))
}
# mount(2) of the case's server: the errno name or OK in $r.
hmount() { # limit extra-options
	timed "$1" python3 "$REPO/tests/lib/mount_errno.py" "//$a/$SHARE" "$m" \
		smb3mc "$opts${2:+,$2}"
}
# Calls on the mount, one line each in $r: "read OK <text>", "stat OK
# size=S nlink=N", "list OK a,b" or the call and its errno name (read
# shows bytes that are not text as cat -v does: a NUL as ^@); "dread"
# as tests/lib/direct_read.py prints.
calls() {
	local c p o s
	for c in "$@"; do
		p=${c#*:} c=${c%%:*}
		case $c in
		read) o=$(cat -v -- "$p" 2>&1); s=$? ;;
		stat) o=$(stat -c 'size=%s nlink=%h' -- "$p" 2>&1); s=$? ;;
		list) o=$(ls -A -- "$p" 2>&1); s=$? ;;
		dread)
			echo "dread $(python3 "$REPO/tests/lib/direct_read.py" "$p")"
			continue
			;;
		esac
		if [ "$s" = 0 ]; then
			[ "$c" != read ] || o=${o// /_}
			echo "$c OK ${o//$'\n'/,}"
		else
			echo "$c $(errno_name "$o")"
		fi
	done
}
# The errno of a coreutils message (C.UTF-8: glibc's strerror texts).
errno_name() {
	case $1 in
	*"Input/output error") echo EIO ;;
	*"Permission denied") echo EACCES ;;
	*"Connection timed out") echo ETIMEDOUT ;;
	*"Host is down") echo EHOSTDOWN ;;
	*"Software caused connection abort") echo ECONNABORTED ;;
	*"No such file or directory") echo ENOENT ;;
	*"Value too large for defined data type") echo EOVERFLOW ;;
	*"Resource temporarily unavailable") echo EAGAIN ;;
	*) echo "other: $1" ;;
	esac
}
try() { # limit calls...
	local limit=$1
	shift
	export -f calls errno_name
	timed "$limit" bash -c 'calls "$@"' - "$@"
}
# A command in the background, SIGKILLed once it waited 3 s: it must still
# be waiting then, and be gone within 10 s of the signal. Its file stays
# open until its requests end, at the latest by their timeouts: umount
# may wait for that.
killed() { # desc cmd...
	local d=$1 pid t0
	shift
	umount_limit=75
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep 3
	if ! running "$pid"; then
		rec fail "$name: $d still waits after 3 s" "it had ended"
		wait "$pid"
		return
	fi
	sigkill_ends "$d" "$pid"
}
sigkill_ends() { # desc pid: SIGKILL ends it within 10 s
	local t0
	t0=$(date +%s%N)
	kill -KILL "$2"
	for _ in $(seq 150); do
		running "$2" || break
		sleep 0.1
	done
	within "$name: SIGKILL ends $1" $((($(date +%s%N) - t0) / 1000000)) 10
	running "$2" || wait "$2"
}
running() { # pid: alive and not a zombie
	local s
	read -r _ _ s _ 2>/dev/null <"/proc/$1/stat" && [ "$s" != Z ]
}
# The kernel log since the case began, and its lines naming our server.
newlog() { dmesg | tail -n +$((log0 + 1)); }
ourlog() { newlog | grep -F -e "$a " -e "$a:" -e "$a,"; }
srvlog() { grep -F "$a:$port " "$work/server.log"; }
# Wait up to 30 s for a line of this case's server log to match $1.
srv_await() { # pattern
	for _ in $(seq 150); do
		srvlog | grep -q "$1" && return 0
		sleep 0.2
	done
	return 1
}

# Channels of the mount on server $1 that DebugData shows good.
chans() {
	grep -c -- "-> $1:$port speed .* state good" /proc/fs/smb3mc/DebugData
}
# The credits of the mount's first channel on our server once nothing is
# in flight there (DebugData), waiting up to 3 s for that; empty if never.
rest_credits() {
	local c
	for _ in $(seq 30); do
		c=$(grep -F -- "-> $a:$port speed" /proc/fs/smb3mc/DebugData |
			head -n 1 | grep -oE "credits [0-9]+ in-flight 0 ")
		[ -n "$c" ] && break
		sleep 0.1
	done
	c=${c#credits }
	echo "${c%% *}"
}
# The credits at rest once they are $1 again (within 3 s), or as they
# are then.
credits_back() {
	local c
	for _ in $(seq 10); do
		c=$(rest_credits)
		[ "$c" = "$1" ] && break
		sleep 0.3
	done
	echo "$c"
}
# Mount binds its second channel in the background: a case that needs it
# waits for it (up to 30 s).
both_chans() {
	local i
	for i in $(seq 150); do
		[ "$(chans "$a")" = 2 ] && break
		sleep 0.2
	done
	expect "$name: both channels good" "$(chans "$a")" 2
}

begin() { # case
	name=$1 a=$(addr_of "$1") m=$work/mnt/$(echo "$1" | tr / -)
	out=$work/rec.$(echo "$1" | tr / -)
	: >"$out"
	mkdir -p "$m"
	log0=$(dmesg | wc -l)
	umount_limit=15
	echo "smb3mc t50: case $name on $a" >/dev/kmsg
}
msg() { # regex: a smb3mc message about this server
	local l
	l=$(ourlog | grep -E "$1" | head -n 1)
	if [ -n "$l" ]; then
		rec ok "$name: dmesg: ${l#*] }"
	else
		rec fail "$name: dmesg has a message matching '$1'" \
			"$(ourlog | tail -n 5)"
	fi
}
finish() {
	local bad t0
	if grep -q " $m smb3mc " /proc/mounts; then
		# A killed caller's file stays open until its request ended.
		t0=$(date +%s%N)
		while timed 60 umount "$m" && [ "$rc" != 0 ] &&
			[[ $r == *busy* ]] &&
			[ $(($(date +%s%N) - t0)) -lt $((umount_limit * 1000000000)) ]; do
			sleep 1
		done
		expect "$name: umount" "$([ $rc = 0 ] && echo OK || echo "$rc $r")" OK
		within "$name: umount" $((($(date +%s%N) - t0) / 1000000)) \
			"$umount_limit"
	fi
	bad=$(newlog | grep -E "$bad_dmesg" | head -n 3)
	if [ -z "$bad" ]; then
		rec ok "$name: no oops, warning or lockdep report"
	else
		rec fail "$name: no oops, warning or lockdep report" "$bad"
	fi
}
# A mount that should work: mount(8), quicker than Python under TCG.
mounted() {
	timed 60 mount -t smb3mc "//$a/$SHARE" "$m" -o "$opts${1:+,$1}"
	expect "$name: mount" "$([ $rc = 0 ] && echo OK || echo "$rc $r")" OK
}

# A case whose one call must fail with an errno, with a message.
fails() { # case call errnos regex
	local -a want
	read -ra want <<<"$3"
	begin "$1"
	if mounted; then
		try 60 "$2"
		expect "$name: ${2%%:*} fails" "${r#* }" "${want[@]}"
		within "$name: ${2%%:*} fails" "$took" 20
		msg "$4"
	fi
	finish
}

# A case that drops the connection, once: the call waits (a hard mount)
# for the new session the client sets up, and is answered in it.
recovers() { # case call regex [options]
	begin "$1"
	if mounted "${4:-}"; then
		try 60 "$2"
		expect "$name: ${2%%:*} answered in a new session" "${r#* }" \
			"OK $hello"
		within "$name: ${2%%:*} answered" "$took" 20
		msg "$3"
		msg "every channel lost: setting up a new session"
	fi
	finish
}

# With a cipher: the seal cases, whose server has the session encrypted
# (SMB2_SESSION_FLAG_ENCRYPT_DATA) with its own AES-128-GCM, or
# AES-128-CCM with 3.0; DebugData must show that cipher.
case_none() { # case extra-options [cipher]
	begin "$1"
	if mounted "$2"; then
		try 60 "list:$m" "stat:$m/hello.txt" "read:$m/hello.txt"
		expect "$name: ls" "$(sed -n 1p <<<"$r")" "list OK hello.txt"
		expect "$name: stat" "$(sed -n 2p <<<"$r")" \
			"stat OK size=37 nlink=1"
		expect "$name: cat" "$(sed -n 3p <<<"$r")" "read OK $hello"
		within "$name: ls, stat, cat" "$took" 20
		# Not 445 (before 2026-12-08 /proc/mounts left it out)
		expect "$name: /proc/mounts shows port=$port" \
			"$(grep -c " $m smb3mc .*,port=$port," /proc/mounts)" 1
		[ -z "${3:-}" ] || expect "$name: DebugData" \
			"$(grep -o "server $a .*encryption $3\$" \
				/proc/fs/smb3mc/DebugData | grep -o "encryption .*")" \
			"encryption $3"
	fi
	finish
}

case_timeout() { # case call: the server never answers the call
	begin "$1"
	if mounted; then
		# A failed readahead is read again: two timeouts.
		try 90 "$2"
		expect "$name: ${2%%:*} times out" "${r#* }" ETIMEDOUT EIO
		within "$name: ${2%%:*} fails" "$took" 75
		msg "no response to command"
	fi
	finish
}

case_silent() {
	local n0 pid t0
	begin silent
	hmount 60
	expect "$name: mount of a silent server fails" "$r" ETIMEDOUT
	within "$name: mount fails" "$took" 60
	msg "NEGOTIATE failed|no response to command 0"
	# Killed once its NEGOTIATE is at the server, and timed from the kill:
	# from its start, under the load of the cases beside it, mount(8)
	# took up to 7.5 s to get there (10.5 s with the 3 s before the kill,
	# in a fresh-clone run of 2026-12-07).
	n0=$(srvlog | grep -c " NEGOTIATE ")
	mount -t smb3mc "//$a/$SHARE" "$m" -o "$opts" 2>/dev/null &
	pid=$!
	for _ in $(seq 300); do
		[ "$(srvlog | grep -c " NEGOTIATE ")" -gt "$n0" ] && break
		sleep 0.1
	done
	t0=$(date +%s%N)
	kill -KILL "$pid"
	wait "$pid"
	expect "$name: SIGKILL ends the mount" "$?" 137
	within "$name: SIGKILL ends the mount waiting for NEGOTIATE" \
		$((($(date +%s%N) - t0) / 1000000)) 10
	finish
}

case_works() { # case [regex [options]]: every call still works, with a message
	begin "$1"
	if mounted "${3:-}"; then
		try 60 "list:$m" "read:$m/hello.txt" "stat:$m/hello.txt" \
			"read:$m/hello.txt"
		expect "$name: ls" "$(sed -n 1p <<<"$r")" "list OK hello.txt"
		expect "$name: cat" "$(sed -n 4p <<<"$r")" "read OK $hello"
		within "$name: ls, cat, stat" "$took" 20
		[ -z "$2" ] || msg "$2"
	fi
	finish
}

# Finding 7: a downgraded NEGOTIATE must end the mount before any
# authentication reaches the server.
case_downgrade() { # case extra-options
	begin "$1"
	hmount 60 "$2"
	expect "$name: mount refused" "$r" EPROTO
	if srvlog | grep -q SESSION_SETUP; then
		rec fail "$name: refused before SESSION_SETUP" \
			"server saw: $(srvlog | awk '{print $4}' | sort -u |
				tr '\n' ' ')"
	else
		rec ok "$name: refused before SESSION_SETUP"
	fi
	msg "not offered"
	finish
}

case_iface_loopback() {
	begin iface-loopback
	if mounted max_channels=4; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		sleep 1
		if grep -q "NEGOTIATE\|SESSION_SETUP" "$work/lo.log"; then
			rec fail "$name: no connection to 127.0.0.1 from the list" \
				"$(grep -E 'NEGOTIATE|NTLM' "$work/lo.log" |
					head -n 3)"
		else
			rec ok "$name: no connection to 127.0.0.1 from the list"
		fi
		msg "refusing interface 127.0.0.1"
	fi
	finish
}

case_iface_malformed() {
	begin iface-malformed
	if mounted max_channels=4; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		msg "cannot list the server's interfaces"
	fi
	finish
}

# A server that restarts at the first READ, and whose interface list
# (which it refused before) then names, beside its own address, three
# on link 1 that never answer: here they go to a MAC address nobody has,
# so that every SYN is lost and each connect waits its 10 s. 2 s after
# sending that list, while the new session connects to the first of
# them (max_channels=4), the server drops every connection again. The
# session, without a channel, is set up anew at once, not after the
# connects to the other two: an O_DIRECT read made then is answered
# within 10 s (before, in about 20 s).
case_iface_unreachable() {
	local i
	begin iface-unreachable
	for i in 251 252 253; do
		ip neigh replace "198.18.1.$i" lladdr 02:00:00:00:00:01 \
			dev veth1 nud permanent
	done
	if mounted max_channels=4; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat answered in a new session" "$r" \
			"read OK $hello"
		srv_await "dropped every connection"
		expect "$name: every connection dropped after the list" \
			"$(srvlog | grep -c "dropped every connection")" 1
		try 60 "dread:$m/hello.txt"
		expect "$name: O_DIRECT read after it" "$r" \
			"dread OK 37 untouched"
		within "$name: O_DIRECT read answered" "$took" 10
		msg "every channel lost: setting up a new session"
	fi
	finish
	for i in 251 252 253; do
		ip neigh del "198.18.1.$i" dev veth1
	done
}

# Finding 5: a file found by its name has a link, whatever NumberOfLinks
# says (unless it is being deleted); its unlink must not warn.
case_nlink0() {
	begin nlink0
	if mounted; then
		try 60 "stat:$m/hello.txt"
		expect "$name: stat mends NumberOfLinks 0" "$r" \
			"stat OK size=37 nlink=1"
		msg "NumberOfLinks 0 .*taken as 1"
		timed 30 rm -- "$m/hello.txt"
		expect "$name: rm" "$([ $rc = 0 ] && echo OK || echo "$rc $r")" OK
	fi
	finish
}

# NumberOfLinks 2^32 - 1: taken as 65535, the most the mount lets a file
# have, so that a link(2) fails EMLINK (before 2026-12-07 stat showed
# 4294967295 links, and a link would have wrapped the count to 0).
case_nlink_max() {
	begin nlink-max
	if mounted; then
		try 60 "stat:$m/hello.txt"
		expect "$name: stat takes NumberOfLinks 2^32 - 1 as 65535" "$r" \
			"stat OK size=37 nlink=65535"
		msg "NumberOfLinks above 65535, taken as 65535"
		timed 30 ln -- "$m/hello.txt" "$m/h2"
		expect "$name: ln fails" "$rc" 1
		expect "$name: ln says why" "${r##*: }" "Too many links"
		try 60 "stat:$m/hello.txt"
		expect "$name: stat after it" "$r" "stat OK size=37 nlink=65535"
	fi
	finish
}

# A server whose MaxTransactSize is 16 KiB, which refuses a
# QUERY_DIRECTORY for more (MS-SMB2 3.3.5.18): listings ask for that
# much (before 2026-12-07 each asked for 64 KiB, and ls failed).
case_trans_16k() {
	begin trans-16k
	if mounted; then
		try 60 "list:$m"
		expect "$name: ls" "${r%%,*}" "list OK hello.txt"
		expect "$name: no QUERY_DIRECTORY for more than MaxTransactSize" \
			"$(srvlog | grep -c "QUERY_DIRECTORY for .* refused")" 0
	fi
	finish
}

# Finding 5: an EndOfFile above LLONG_MAX would be a negative i_size.
case_eof_huge() {
	begin eof-huge
	if mounted; then
		try 60 "stat:$m/hello.txt"
		expect "$name: stat refuses EndOfFile > LLONG_MAX" "$r" \
			"stat EIO"
		msg "refused a CREATE response: EndOfFile above"
	fi
	finish
}

# Finding 5: without file ids from the server (IndexNumber 0), two files
# as long and as old as each other must not share one inode, and their
# inode numbers are neither 0 nor the same.
case_ino0() {
	local i1 i2
	begin ino0
	if mounted; then
		try 60 "list:$m" "read:$m/hello.txt" "read:$m/other.txt" \
			"read:$m/hello.txt"
		expect "$name: ls" "$(sed -n 1p <<<"$r")" \
			"list OK hello.txt,other.txt"
		expect "$name: cat hello.txt" "$(sed -n 2p <<<"$r")" \
			"read OK $hello"
		expect "$name: cat other.txt" "$(sed -n 3p <<<"$r")" \
			"read OK $other"
		expect "$name: cat hello.txt again" "$(sed -n 4p <<<"$r")" \
			"read OK $hello"
		read -r i1 i2 <<<"$(timeout 30 stat -c %i -- "$m/hello.txt" \
			"$m/other.txt" 2>&1 | tr '\n' ' ')"
		if [ "${i1:-0}" != 0 ] && [ "${i2:-0}" != 0 ] &&
			[ "$i1" != "$i2" ]; then
			rec ok "$name: inode numbers $i1 and $i2"
		else
			rec fail "$name: two inode numbers, neither 0" \
				"got '${i1:-}' '${i2:-}'"
		fi
	fi
	finish
}

# Finding 5: a directory with the IndexNumber of a file is another inode.
case_ino_dup() {
	begin ino-dup
	if mounted; then
		timed 60 stat -c %F -- "$m/hello.txt" "$m/dup" "$m/hello.txt"
		expect "$name: stat file, directory, file" "${r//$'\n'/ }" \
			"regular file directory regular file"
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
	fi
	finish
}

# Finding 8: the data of a READ whose signature is bad is left nowhere: not
# in the page cache (a second cat fails too), not in an O_DIRECT caller's
# pages, which may be another file's page cache.
case_bad_sig_read() {
	begin bad-sig/READ/0
	if mounted; then
		try 60 "read:$m/hello.txt" "read:$m/hello.txt" "dread:$m/hello.txt"
		expect "$name: cat fails" "$(sed -n 1p <<<"$r")" \
			"read EACCES" "read EIO"
		expect "$name: cat again fails: nothing was cached" \
			"$(sed -n 2p <<<"$r")" "read EACCES" "read EIO"
		expect "$name: O_DIRECT read fails, its buffer untouched" \
			"$(sed -n 3p <<<"$r")" "dread EACCES untouched" \
			"dread EIO untouched"
		within "$name: cat, cat, O_DIRECT read" "$took" 30
		msg "signature"
	fi
	finish
}

# ksmbd signs an error answer to READ over the 4-byte transport header
# as well: such a signature proves the answer, and an O_DIRECT read past
# the end of the file ends there (0 bytes), with a notice; one over
# another transport header proves nothing, and the read fails.
case_eof_frame() { # case want-errno-or-OK... regex
	local -a want=("${@:2:$#-2}")
	begin "$1"
	if mounted; then
		timed 60 dd if="$m/hello.txt" of=/dev/null iflag=direct bs=4096 \
			skip=1 status=none
		expect "$name: O_DIRECT read past the end" \
			"$([ "$rc" = 0 ] && echo OK || errno_name "$r")" "${want[@]}"
		within "$name: O_DIRECT read past the end" "$took" 20
		msg "${*: -1}"
	fi
	finish
}

# ksmbd's refusal of a share it does not have: the ERROR response after
# a copy of it, signed over the second copy only. Taken where that
# signature checks out, refused where it does not.
case_tcon_twice() { # case errno regex
	begin "$1"
	timed 60 python3 "$REPO/tests/lib/mount_errno.py" "//$a/nosuchshare" \
		"$m" smb3mc "$opts"
	expect "$name: mount of a share the server does not have" "$r" "$2"
	msg "$3"
	finish
}

# ksmbd's final answer to a LOCK cancelled, unsigned (in clear on an
# encrypted session): taken, as it grants nothing, and a SIGINT ends an
# F_SETLKW with EINTR; the same answer to a LOCK nobody cancelled is
# refused. The notice comes once, at the first.
case_cancel() { # case [regex]
	local pid t0 w=$work/w.$1
	begin "$1"
	if mounted; then
		python3 "$REPO/tests/lib/locks.py" wait "$m/hello.txt" w 0 4096 \
			>"$w" 2>&1 &
		pid=$!
		sleep 3
		expect "$name: F_SETLKW waits after 3 s" \
			"$(running $pid && echo waiting)" waiting
		t0=$(date +%s%N)
		kill -INT $pid
		for _ in $(seq 100); do
			grep -q EINTR "$w" && break
			sleep 0.1
		done
		expect "$name: SIGINT ends the wait" "$(head -n 1 "$w")" EINTR
		within "$name: SIGINT ends the wait" \
			$((($(date +%s%N) - t0) / 1000000)) 10
		expect "$name: the LOCK cancelled" \
			"$(srvlog | grep -c 'cancelled, answered unsigned')" 1
		expect "$name: no answer refused" "$(ourlog |
			grep -c -e 'bad signature' -e 'unencrypted response')" 0
		[ -z "${2:-}" ] || msg "$2"
		kill $pid 2>/dev/null
		wait $pid
	fi
	finish
}
case_cancelled_unasked() {
	begin cancelled-unasked
	if mounted; then
		timed 30 python3 "$REPO/tests/lib/locks.py" wait "$m/hello.txt" \
			w 0 4096
		expect "$name: F_SETLKW fails" "$r" EACCES
		msg "missing or bad signature"
	fi
	finish
}

# ksmbd's answer to a lease break acknowledgment, unsigned: taken, as it
# grants nothing, with a notice and no warning.
case_ack_unsigned() {
	begin ack-unsigned
	if mounted; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		sleep 2
		expect "$name: break acknowledged" \
			"$(srvlog | grep -c 'lease break acknowledged')" 1
		expect "$name: no signature refused" \
			"$(ourlog | grep -c 'bad signature')" 0
		msg "does not sign its answer to a lease break acknowledgment"
	fi
	finish
}

# Answers spoiled at random from a stat of fuzz-start on (one in four
# after TREE_CONNECT, before signing: bytes flipped, a field set to a
# bound, the end cut or padded, another status, credits or flags), for
# 45 s of calls of every kind. Whatever each call gives, it ends by
# itself within 60 s; then umount, and the kernel reports nothing.
# seal-fuzz: the same on a session the server encrypts, the answers
# spoiled before they are encrypted.
case_fuzz() { # case
	local c i=0 n t0 hung=0 calls=0
	local -a each
	begin "$1"
	umount_limit=75
	if mounted; then
		stat "$m/fuzz-start" >/dev/null 2>&1
		t0=$SECONDS
		while [ $((SECONDS - t0)) -lt 45 ]; do
			i=$((i + 1))
			# The server's tree is flat: no names below d$i.
			each=("ls -la $m" "stat $m/hello.txt" "cat $m/hello.txt"
				"echo $i >$m/f$i" "cat $m/f$i" "mv $m/f$i $m/g$i"
				"cat $m/g$i" "rm $m/g$i" "mkdir $m/d$i" "rmdir $m/d$i"
				"dd if=$m/hello.txt of=/dev/null iflag=direct bs=4096"
				"dd if=/dev/zero of=$m/big bs=64k count=4 oflag=direct"
				"truncate -s 1000 $m/big" "rm $m/big")
			for c in "${each[@]}"; do
				timeout -s KILL 60 bash -c "$c" >/dev/null 2>&1
				[ $? != 137 ] || hung=$((hung + 1))
				calls=$((calls + 1))
			done
		done
		expect "$name: of $calls calls, none needed SIGKILL after 60 s" \
			"$hung" 0
		n=$(srvlog | grep -Ec ' fuzz [a-z]+$')
		if [ "$n" -ge 20 ]; then
			rec ok "$name: $n answers spoiled (seed $seed)"
		else
			rec fail "$name: 20 answers spoiled or more" "$n (seed $seed)"
		fi
	fi
	finish
}

# Finding 1: the answer to a WRITE arrives while the WRITE is still being
# sent (the server stops reading, then answers it, and every later WRITE
# as soon as its header came);
# the request must not end, and its buffers be freed, before the send
# returned. Debian's kernels seldom show a use after free: the sanitizer
# kernel does.
case_answer_mid_write() {
	begin answer-mid-write
	if mounted; then
		timed 90 dd if=/dev/zero of="$m/big" bs=8M count=1 oflag=direct
		expect "$name: 8 MiB O_DIRECT write fails" \
			"$(errno_name "$(sed -n 1p <<<"$r")")" \
			EACCES EIO ECONNABORTED EHOSTDOWN
		within "$name: write fails" "$took" 75
		try 30 "read:$m/hello.txt"
		expect "$name: cat after it" "$r" "read OK $hello"
	fi
	finish
}

# Finding 3: STATUS_PENDING every second, never the final answer: the
# wait is bounded all the same, and the interims that follow are for a
# MessageId no longer outstanding.
case_interims() {
	begin interims
	if mounted; then
		# Two READs (readahead, then the read again), each bounded.
		try 200 "read:$m/hello.txt"
		expect "$name: cat fails" "${r#* }" ETIMEDOUT EIO
		within "$name: cat fails" "$took" 170
		msg "no response to command 8"
		msg "interim response .* not outstanding"
		killed "an O_DIRECT read" python3 \
			"$REPO/tests/lib/direct_read.py" "$m/hello.txt"
	fi
	finish
}

# STATUS_PENDING without SMB2_FLAGS_ASYNC_COMMAND, signed, as the final
# answer to every READ: no interim response (MS-SMB2 3.2.5.1.5), and no
# final answer either. An O_DIRECT read fails at once with EIO and a
# message, not with EINPROGRESS (before), nor after waiting for an answer
# to come; so does cat, whose error the page cache makes EIO anyway.
case_pending_sync() {
	begin pending-sync/READ/0
	if mounted; then
		try 60 "dread:$m/hello.txt" "read:$m/hello.txt"
		expect "$name: O_DIRECT read fails" "$(sed -n 1p <<<"$r")" \
			"dread EIO untouched"
		expect "$name: cat fails" "$(sed -n 2p <<<"$r")" "read EIO"
		within "$name: O_DIRECT read, cat" "$took" 20
		msg "READ answered STATUS_PENDING without SMB2_FLAGS_ASYNC_COMMAND"
	fi
	finish
}

# MS-SMB2 3.2.5.1: credits come from an answer matched to its request and
# verified, no other. A server that grants 8 credits sends, ahead of each
# answer, a copy with a MessageId never sent, and ahead of the first
# READ's a copy with a bad signature, each granting 1000; each READ it
# answers 3 s late, so that the 32 READs of 32 O_DIRECT reads started at
# once would all be outstanding together. The first O_DIRECT read fails
# on the bad signature, or reads the file when its real answer came
# while that copy was checked; then the 32 all read the file, at most 7
# requests at a time, and the server never sees a MessageId past those
# it granted (before, the client took the forged credits and sent more
# than 8 at once). Then two opens whose CREATEs the server holds 3 s,
# SIGKILLed while they wait: their late answers still grant the credits
# they took (before 2026-12-07, with credits only from answers matched
# to an outstanding request, those of a request given up were lost, a
# few with each kill, until the channel had none left).
case_credits_forged() {
	local c0 c1 i ok=0
	local -a ps=() ks=()
	begin credits-forged
	if mounted; then
		try 60 "dread:$m/hello.txt"
		expect "$name: O_DIRECT read answered with a bad signature" \
			"$r" "dread EACCES untouched" "dread EIO untouched" \
			"dread OK 37 untouched"
		for i in $(seq 32); do
			timeout -k 3 60 dd if="$m/hello.txt" of="$work/cf.$i" \
				iflag=direct bs=64k count=1 status=none &
			ps+=($!)
		done
		for i in "${!ps[@]}"; do
			wait "${ps[$i]}" &&
				cmp -s "$work/cf.$((i + 1))" <(echo "$hello" | tr _ ' ') &&
				ok=$((ok + 1))
		done
		expect "$name: 32 O_DIRECT reads at once read the file" "$ok" 32
		c0=$(rest_credits)
		for i in 1 2; do
			bash -c ': >"$1"' - "$m/held$i.txt" 2>/dev/null &
			ks+=($!)
		done
		for _ in $(seq 30); do
			[ "$(srvlog | grep -c "CREATE mid=.* held 3 s")" -ge 2 ] &&
				break
			sleep 0.1
		done
		kill -KILL "${ks[@]}" 2>/dev/null
		wait "${ks[@]}" 2>/dev/null
		expect "$name: two CREATEs held 3 s, their waiters killed" \
			"$(srvlog | grep -c "CREATE mid=.* held 3 s")" 2
		for _ in $(seq 50); do
			[ "$(srvlog | grep -c "CREATE mid=.* answered 3 s late")" \
				-ge 2 ] && break
			sleep 0.1
		done
		expect "$name: both answered after the kill" \
			"$(srvlog | grep -c "CREATE mid=.* answered 3 s late")" 2
		c1=$(credits_back "$c0")
		expect "$name: credits at rest as before the kill (${c0:-unknown})" \
			"${c1:-none}" "${c0:-unknown}"
		expect "$name: no request past the credits granted" \
			"$(srvlog | grep -c "client exceeded its credits")" 0
		msg "response for MessageId [0-9]+, which is not outstanding"
		msg "missing or bad signature"
	fi
	finish
}

# A server that stops reading from a WRITE on: the sender blocked on a
# full socket, or its requests unanswered, gives up within the request
# timeout, and SIGKILL ends it sooner. The channel, silent since, is
# dropped, and the session goes on over a new connection.
case_stop_reading() {
	begin stop-reading
	if mounted; then
		killed "a 16 MiB O_DIRECT write" dd if=/dev/zero of="$m/k" \
			bs=16M count=1 oflag=direct
		# While sends block on this server, mounts of another end at
		# once: a channel waits for its own sends only. Mounted and
		# unmounted again and again while the write lasts: the slowest.
		mkdir -p "$m-other"
		rm -f "$work/sr.done"
		(
			worst=0 bad=0
			until [ -e "$work/sr.done" ]; do
				t0=$(date +%s%N)
				timeout 60 mount -t smb3mc \
					"//$(addr_of none)/$SHARE" "$m-other" \
					-o "$opts" &&
					timeout 60 umount "$m-other" || bad=$?
				t0=$((($(date +%s%N) - t0) / 1000000))
				[ "$t0" -le "$worst" ] || worst=$t0
				sleep 1
			done
			echo "$bad $worst" >"$work/sr.other"
		) &
		other=$!
		timed 150 dd if=/dev/zero of="$m/big" bs=16M count=1 oflag=direct
		touch "$work/sr.done"
		wait "$other"
		read -r orc oms <"$work/sr.other"
		expect "$name: another server mounted and unmounted meanwhile" \
			"$orc" 0
		# One waiting behind the blocked sends would take a request
		# timeout, 30 s. Under TCG beside the other cases a mount and
		# umount took up to 9968 ms one guest at a time (2026-12-06),
		# 11824 ms beside the other kernel's guest (2026-12-07).
		within "$name: another server mounted and unmounted meanwhile, the slowest" \
			"$oms" 20
		expect "$name: 16 MiB O_DIRECT write fails" \
			"$(errno_name "$(sed -n 1p <<<"$r")")" \
			ETIMEDOUT EIO ECONNABORTED EHOSTDOWN
		# Up to three request timeouts: the killed write's WRITEs
		# hold the first connection; the server stalls again on each
		# new one, and a WRITE unanswered on two fails.
		within "$name: write fails" "$took" 120
		# The request's timeout, TCP's for the unacknowledged data, or
		# the ECHO that the channel, quiet since, got.
		msg "no response to command 9 .*nor to any other: dropping the connection|ch0: connection lost \(-110\)|no answer to ECHO, dropping the connection"
		try 60 "read:$m/hello.txt"
		expect "$name: cat after it" "$r" "read OK $hello"
	fi
	finish
}

# Each READ answered on the session's other channel: there it is for no
# request of that channel, and the READ itself times out.
case_other_channel() {
	begin other-channel
	if mounted max_channels=2 && both_chans; then
		try 120 "read:$m/hello.txt"
		expect "$name: cat times out" "${r#* }" ETIMEDOUT EIO
		within "$name: cat fails" "$took" 100
		msg "READ response for MessageId [0-9]+, which is not outstanding"
	fi
	finish
}

# A server that goes silent while the mount is idle, with the default
# echo_interval: each channel's ECHO goes unanswered, all at once, and
# every channel is found lost within 30 s of the last answer. The file
# stays open (a CLOSE would wait for the silent server).
case_go_silent() {
	local fd t0 t1
	begin go-silent
	if mounted max_channels=2 && both_chans; then
		exec {fd}<"$m/hello.txt"
		r=$(timeout 30 cat <&$fd 2>&1)
		t0=$(cut -d' ' -f1 /proc/uptime)
		expect "$name: read" "${r// /_}" "$hello"
		for _ in $(seq 90); do
			ourlog | grep -q "every channel lost" && break
			sleep 0.5
		done
		t1=$(ourlog | grep -m1 "every channel lost" |
			sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
		if [ -n "$t1" ]; then
			within "$name: every channel lost after the last answer" \
				"$(awk -v a="$t0" -v b="$t1" \
					'BEGIN { printf "%d", (b - a) * 1000 }')" 30
		else
			rec fail "$name: every channel lost after the last answer within 30 s" \
				"not in dmesg $(awk -v a="$t0" '{ printf "%d", $1 - a }' /proc/uptime) s after it"
		fi
		expect "$name: ECHO unanswered on both channels" \
			"$(ourlog | grep -c "no answer to ECHO")" 2
		exec {fd}<&-
	fi
	finish
}

# Finding 6: no credits granted after SESSION_SETUP. A channel left with
# too few for a request and nothing in flight is dropped at once, not
# waited on.
case_zero_credits() {
	begin zero-credits
	if mounted; then
		# shellcheck disable=SC2016 # the loop runs in the inner shell
		timed 150 bash -c 'for i in $(seq 80); do
			dd if=/dev/zero of="$1/z$i" bs=4k count=1 oflag=direct \
				2>/dev/null || echo "$i failed"
		done' - "$m"
		expect "$name: 80 small writes end" "$rc" 0
		within "$name: 80 small writes" "$took" 90
		msg "credits left, [0-9]+ needed, and no request in flight"
	fi
	finish
}

# Never more than 8 credits, which a server may grant: a READ or WRITE
# of 1 MiB needs 16, and goes as several of what 8 credits cover, as
# MS-SMB2 3.2.4.1.5 has a client do. A file written through the page cache, its writeback
# in WRITEs of 1 MiB, then read back through the cache and O_DIRECT, is
# what was written (before 2026-12-06 each such WRITE or READ waited
# 30 s for credits that no answer was to bring, and failed).
case_few_credits() {
	begin few-credits
	if mounted; then
		head -c 1048576 /dev/urandom >"$work/few-credits.src"
		timed 60 dd if="$work/few-credits.src" of="$m/big" bs=1M \
			conv=fsync
		expect "$name: 1 MiB written, fsync" "$rc" 0
		within "$name: 1 MiB written, fsync" "$took" 20
		echo 1 >/proc/sys/vm/drop_caches
		timed 60 cmp "$work/few-credits.src" "$m/big"
		expect "$name: read back" "$rc $r" "0 "
		timed 60 sh -c 'dd if="$1" bs=1M iflag=direct status=none |
			cmp "$2" -' - "$m/big" "$work/few-credits.src"
		expect "$name: read back with O_DIRECT" "$rc $r" "0 "
	fi
	finish
}

# Finding 4: a binding answer naming another SessionId fails the binding
# and leaves the session's own SessionId alone.
case_bind_sessionid() {
	begin bind-sessionid
	if mounted max_channels=2; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		msg "binding .*SessionId"
	fi
	finish
}

# A case whose mount, asked for @max channels, reads and has @channels
# channels to the server, with a message.
case_channels() { # case max channels regex
	begin "$1"
	if mounted "max_channels=$2"; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		expect "$name: channels in DebugData" "$(chans "$a")" "$3"
		msg "$4"
	fi
	finish
}

# A server that refuses every bind: the mount goes on with its first
# channel, having tried its interface twice (once more, for a failure
# that passes), not for each of the fifteen further channels of
# max_channels=16 (as 7d9af5c did, printing a line for each but those
# past the ratelimit's ten in five seconds).
case_bind_refuse() {
	begin bind-refuse
	if mounted max_channels=16; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		expect "$name: binds refused" \
			"$(srvlog | grep -c " ok binding$")" 2
		between "$name: lines that say a bind was refused" \
			"$(ourlog | grep -c "binding refused")" 1 10
	fi
	finish
}

# A server that drops each bound connection 0.5 s after the ECHO that
# ends its bind, once the channel is in use: a channel lost that soon
# after its bind is bound again only after a wait that grows as after a
# failed bind (1, 2, 4, 5 s), not at once, over and over for as long as
# the mount lasts. Meanwhile every read, 0.5 s apart for 12 s, succeeds,
# and the server sees a few binds, not one every few tenths of a second.
case_bind_drop() {
	local bad t0
	begin bind-drop
	if mounted max_channels=2; then
		t0=$(date +%s%N)
		while [ $(($(date +%s%N) - t0)) -lt 12000000000 ]; do
			try 30 "read:$m/hello.txt"
			[ "$r" = "read OK $hello" ] || bad=${bad:-$r}
			sleep 0.5
		done
		expect "$name: cat every 0.5 s for 12 s" "${bad:-all OK}" \
			"all OK"
		between "$name: second channel bound again, binds in all" \
			"$(srvlog | grep -c " ok binding$")" 2 10
	fi
	finish
}

# ksmbd answers an encrypted ECHO in clear and unsigned: the answer is
# taken (it shows the connection alive, as an ECHO in clear does), and a
# sealed session binds its second channel, whose first round trip is an
# ECHO.
case_seal_echo_clear() {
	begin seal-echo-clear
	if mounted max_channels=2 && both_chans; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		msg "answers an encrypted ECHO in clear"
	fi
	finish
}

# Finding 2: a new file the server calls a directory once created, and a
# new directory it answers as a file, are refused with their handle
# closed: no inode of the other type, no file handle on a directory.
case_create_dir() {
	begin create-dir
	if mounted; then
		# shellcheck disable=SC2016 # $1 is the inner shell's
		timed 30 sh -c ': >"$1"' - "$m/new"
		expect "$name: creating a file fails" "$(errno_name "$r")" EIO
		within "$name: creating a file fails" "$took" 20
		timed 30 mkdir "$m/newdir"
		expect "$name: mkdir fails" "$(errno_name "$r")" EIO
		within "$name: mkdir fails" "$took" 20
		msg "/new: CREATE answered a file, FileAllInformation a directory"
		msg "/newdir: asked for a directory, the server answered a file"
		try 30 "stat:$m/hello.txt"
		expect "$name: stat after them" "$r" "stat OK size=37 nlink=1"
	fi
	finish
}

# A listing whose sizes are older than this client's writes (0 here),
# while it has the file open for writing: the append after it goes on
# at the end of what was written, not at the listed size.
case_stale_size() {
	begin dir-stale-size
	if mounted; then
		# shellcheck disable=SC2016 # $1 is the inner shell's
		timed 30 bash -c 'exec 3>>"$1/log" && printf first- >&3 &&
			sync "$1/log" && ls -l "$1" >/dev/null &&
			printf second >&3 && exec 3>&- && cat "$1/log"' - "$m"
		expect "$name: two appends around a listing" "$rc $r" \
			"0 first-second"
	fi
	finish
}

# The same listings under a lease with read, write and handle caching:
# the listed size of a file this client wrote is not taken (kept, before
# 2026-12-07), so an append goes on at the end of what was written, in
# both ways an open for it asks the server nothing. One takes again the
# handle the writer's close kept (closetimeo); the other sends a CREATE
# after the writer's CLOSE, while a file open read-only holds the lease.
# actimeo=30: no QUERY_INFO meanwhile gives the size again. The file is
# then read with O_DIRECT, from the server. And fsync of a file open
# read-only, which writes back the data another file of it wrote, sends
# a FLUSH through that file's handle (it sent none before 2026-12-07).
case_stale_cached() {
	local flushes how
	begin dir-stale-cached
	if mounted closetimeo=60,actimeo=30; then
		for how in kept shared; do
			timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, sys, time
from stale import append, server_copy
d, how = sys.argv[1], sys.argv[2]
f = os.path.join(d, how)
w = os.open(f, os.O_WRONLY | os.O_CREAT, 0o644)
if how == "shared":
    r = os.open(f, os.O_RDONLY)
os.write(w, b"first-")
os.close(w)
time.sleep(0.1)  # the listing asked for after the attributes were read
os.listdir(d)
append(f, b"second")
if how == "shared":
    os.close(r)
print(server_copy(f))' "$m" "$how"
			expect "$name: $how: the server's file after the append" \
				"$rc $r" "0 12 first-second"
		done
		flushes=$(srvlog | grep -c " FLUSH ")
		timed 60 python3 -c 'import os, sys
w = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
r = os.open(sys.argv[1], os.O_RDONLY)
os.write(w, b"data")
os.fsync(r)
print("synced")' "$m/synced"
		expect "$name: fsync of a file open read-only" "$rc $r" "0 synced"
		expect "$name: FLUSHes sent for it" \
			$(($(srvlog | grep -c " FLUSH ") - flushes)) 1
	fi
	finish
}

# Under the same lease, a listing whose sizes are larger than what this
# client's truncate left (16384, the size before it), as a server may list
# a file open there: the size is not taken (taken before 2026-12-07, so
# that stat says 16384, the read gives 16378 NULs after the 6 bytes, and
# the append lands at 16384, a hole of NULs before it on the server). The
# file is read, and appended to, through the handle its close kept; then
# read with O_DIRECT, from the server. actimeo=30: no QUERY_INFO
# meanwhile gives the size again. NULs are shown as a count: bash drops
# them from $(...).
case_stale_larger() {
	begin dir-stale-larger
	if mounted closetimeo=60,actimeo=30; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, sys, time
from stale import append, server_copy, show
d = sys.argv[1]
f = os.path.join(d, "big")
w = os.open(f, os.O_RDWR | os.O_CREAT, 0o644)
os.write(w, b"first-" + b"x" * 16378)
os.ftruncate(w, 6)
os.close(w)
time.sleep(0.1)  # the listing asked for after the truncate
os.listdir(d)
print(os.stat(f).st_size)
r = os.open(f, os.O_RDONLY)
print(show(os.read(r, 65536)))
os.close(r)
append(f, b"second")
print(server_copy(f))' "$m"
		expect "$name: stat after the listing" \
			"$rc $(sed -n 1p <<<"$r")" "0 6"
		expect "$name: a read after the listing" "$(sed -n 2p <<<"$r")" \
			"6 first-"
		expect "$name: the server's file after an append" \
			"$(sed -n 3p <<<"$r")" "12 first-second"
	fi
	finish
}

# Under the same lease, a listing with the sizes of dir-stale-cached (0)
# that names the file this client wrote twice: as twin.2, a hard link not
# in the dcache, listed first, and as twin. The inode that twin.2 finds
# by its file id takes the listing as twin's would: not its size, while
# read caching holds (taken before 2026-12-07, with no age check and as
# no listing, when no handle here may write: a read-only file holds the
# lease. Then stat says 0, the read gives nothing, and the append lands
# at 0, over the 6 bytes written).
case_stale_link() {
	begin dir-stale-link
	if mounted closetimeo=60,actimeo=30; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, sys, time
from stale import append, server_copy
d = sys.argv[1]
f = os.path.join(d, "twin")
w = os.open(f, os.O_WRONLY | os.O_CREAT, 0o644)
r = os.open(f, os.O_RDONLY)
os.write(w, b"first-")
os.close(w)
time.sleep(0.1)  # the listing asked for after the attributes were read
names = ",".join(sorted(os.listdir(d)))
same = os.stat(f).st_ino == os.stat(os.path.join(d, "twin.2")).st_ino
print(names, "one file" if same else "two files")
print(os.stat(f).st_size)
print(os.pread(r, 4096, 0).decode(errors="replace"))
append(f, b"second")
os.close(r)
print(server_copy(f))' "$m"
		expect "$name: the listing names twin.2, the same file" \
			"$rc $(sed -n 1p <<<"$r")" "0 hello.txt,twin,twin.2 one file"
		expect "$name: stat after the listing" "$(sed -n 2p <<<"$r")" 6
		expect "$name: a read after the listing" "$(sed -n 3p <<<"$r")" \
			first-
		expect "$name: the server's file after an append" \
			"$(sed -n 4p <<<"$r")" "12 first-second"
	fi
	finish
}

# A file cached here at 1000 bytes (a stat; actimeo=30), with no lease,
# that another client rewrites 36 bytes long, with a new mtime, before
# this client opens it. The open gets a lease (read, write and handle
# caching), finds size and mtime changed (smb3mc_open_check()) and asks
# again: a QUERY_INFO, which the server holds 3 s. A listing meanwhile
# (ls -l, once the server's log shows the hold) lists the right size and
# mtime: the inode takes the times, and not the size, which differs from
# the one cached while read caching is held (a listing's rule). The
# open's QUERY_INFO answer is taken when it comes (dropped for a while on
# 2026-12-07, 0b2acc4 to 7d8d314, as asked for before the listing's
# attributes were taken: then stat says 1000 for as long as actimeo, the
# read gives the 36 bytes and 964 NULs, and the append, under write
# caching, lands at 1000, NULs before it on the server). The server's log
# must show the listing answered while it held the QUERY_INFO, and the
# listing must end before the open. The file is read, and appended to,
# while the open that got the lease holds it (a new open with no lease
# would check the size again); then read with O_DIRECT, from the server.
# NULs are shown as a count.
case_open_listing_race() {
	local held during
	begin open-listing-race
	if mounted actimeo=30; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, re, sys, threading
from stale import LogWatch, append, server_copy, show
d, log, srv = sys.argv[1:4]
f = os.path.join(d, "race.txt")
watch = LogWatch(log)
print(os.stat(f).st_size)  # cached for actimeo
opened = threading.Event()
when = []
def lister():  # ls -l, once the server holds the QUERY_INFO of the open
    watch.wait(re.escape(srv) + " .*QUERY_INFO of race.txt held",
               opened.is_set)
    names = os.listdir(d)
    when.append("after the open" if opened.is_set() else
                "while the open waited")
    for n in names:
        os.stat(os.path.join(d, n))
t = threading.Thread(target=lister)
t.start()
r = os.open(f, os.O_RDONLY)
opened.set()
t.join()
print("listed " + (when[0] if when else "never"))
print(os.stat(f).st_size)
data = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
print(show(data))
append(f, b" appended")
print(server_copy(f))
os.close(r)' "$m" "$work/server.log" "$a:$port"
		expect "$name: stat before the change" \
			"$rc $(sed -n 1p <<<"$r")" "0 1000"
		held=$(srvlog | grep -c "QUERY_INFO of race.txt held")
		during="no listing answered meanwhile"
		srvlog | grep -q "QUERY_DIRECTORY answered while the QUERY_INFO" &&
			during="a listing answered meanwhile"
		expect "$name: the open's QUERY_INFO held" "$held held, $during" \
			"1 held, a listing answered meanwhile"
		expect "$name: the listing ended before the open" \
			"$(sed -n 2p <<<"$r")" "listed while the open waited"
		expect "$name: stat after the open" "$(sed -n 3p <<<"$r")" 36
		expect "$name: a read after the open" "$(sed -n 4p <<<"$r")" \
			"36 rewritten shorter by another client;"
		expect "$name: the server's file after an append" \
			"$(sed -n 5p <<<"$r")" \
			"45 rewritten shorter by another client; appended"
	fi
	finish
}

# A file open here under a lease (read, write and handle caching), its
# 16384 bytes cached, actimeo=30. Its times set (a change: the next stat
# asks the server), a stat whose QUERY_INFO the server answers with the
# size the file has when it comes, 16384, but sends only once this
# client has looked up "release". Meanwhile (once the server's log shows
# the hold) a truncate to 6 bytes, and then the lookup of "release". The
# answer, asked for before the truncate, comes after it: it is not taken
# (before 2026-12-07 it was: stat said 16384 for as long as actimeo, a
# read gave "first-" and 16378 NULs, and an append, under write caching,
# landed at 16384, NULs before it on the server). NULs are shown as a
# count.
case_truncate_race() {
	begin truncate-race
	if mounted actimeo=30; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, sys
from stale import append, server_copy, show, stat_held_over
r, f = stat_held_over(*sys.argv[1:4], lambda f: os.truncate(f, 6))
print(os.stat(f).st_size)
os.lseek(r, 0, os.SEEK_SET)
print(show(os.read(r, 65536)))
append(f, b"second")
print(server_copy(f))
os.close(r)' "$m" "$work/server.log" "$a:$port"
		expect "$name: read before the truncate" \
			"$rc $(sed -n 1p <<<"$r")" "0 16384"
		expect "$name: the stat's QUERY_INFO held over the truncate" \
			"$(sed -n 2p <<<"$r") $(srvlog | grep -c \
			"QUERY_INFO of shrunk.txt answered after the release")" \
			"held 1"
		expect "$name: stat after the held answer" "$(sed -n 3p <<<"$r")" 6
		expect "$name: a read after it" "$(sed -n 4p <<<"$r")" "6 first-"
		expect "$name: the server's file after an append" \
			"$(sed -n 5p <<<"$r")" "12 first-second"
	fi
	finish
}

# Every WRITE refused (disk full): the data one file wrote goes out when
# another file of it closes first. Each close reports the error: the
# writer's too, though the other's close took the error first.
case_write_full() {
	begin write-full
	if mounted; then
		timed 60 python3 -c 'import errno, os, sys
a = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
b = os.open(sys.argv[1], os.O_WRONLY)
os.write(a, b"data")
out = []
for fd in (b, a):
    try:
        os.close(fd)
        out.append("OK")
    except OSError as e:
        out.append(errno.errorcode[e.errno])
print(*out)' "$m/full"
		expect "$name: the closes of the other file and of the writer" \
			"$r" "ENOSPC ENOSPC"
		# A refused O_DIRECT write past the end leaves the size as it
		# was (before 2026-12-07 it became where the write began).
		timed 60 python3 -c 'import errno, mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_DIRECT, 0o644)
buf = mmap.mmap(-1, 4096)  # page-aligned, as O_DIRECT wants
try:
    os.pwrite(fd, buf, 1 << 20)
    out = "written"
except OSError as e:
    out = errno.errorcode[e.errno]
print(out, os.fstat(fd).st_size)
os.close(fd)' "$m/past"
		expect "$name: an O_DIRECT write past the end, refused" \
			"$rc $r" "0 ENOSPC 0"
	fi
	finish
}

# Every READ answered with half the data there is for it: short of the
# end of file, which MS-SMB2 allows. The rest is asked for, and none of
# the file is taken for zeroes: not by the read of the page a byte is
# written into (the file is written back whole), nor by readahead, nor by
# an O_DIRECT read.
case_read_cut() {
	begin read-cut
	if mounted; then
		timed 60 python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
os.pwrite(fd, b"X", 4)
os.close(fd)' "$m/hello.txt"
		expect "$name: a byte written into the file" "$rc $r" "0 "
		sync
		echo 1 >/proc/sys/vm/drop_caches
		try 60 "read:$m/hello.txt" "dread:$m/hello.txt"
		expect "$name: cat after it" "$(sed -n 1p <<<"$r")" \
			"read OK hellX${hello#hello}"
		expect "$name: O_DIRECT read" "$(sed -n 2p <<<"$r")" \
			"dread OK 37 untouched"
	fi
	finish
}

# Every WRITE written by half (1 byte at least), and answered so, which
# MS-SMB2 allows: the rest is sent again until all of it is written,
# through writeback and O_DIRECT alike.
case_write_cut() {
	begin write-cut
	if mounted; then
		timed 60 python3 -c 'import mmap, os, sys
data = bytes(range(256)) * 1024
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
n = os.write(fd, data[:200000])
os.close(fd)
buf = mmap.mmap(-1, 65536)  # page-aligned, as O_DIRECT wants
buf.write(data[:65536])
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o644)
print(n, os.write(fd, buf))
os.close(fd)' "$m/cached" "$m/direct"
		expect "$name: a write through the page cache, one O_DIRECT" \
			"$rc $r" "0 200000 65536"
		sync
		echo 1 >/proc/sys/vm/drop_caches
		timed 60 python3 -c 'import sys
data = bytes(range(256)) * 1024
for f, n in (sys.argv[1], 200000), (sys.argv[2], 65536):
    print(open(f, "rb").read() == data[:n])' "$m/cached" "$m/direct"
		expect "$name: both read back" "$rc ${r//$'\n'/ }" "0 True True"
	fi
	finish
}

# Every WRITE answered STATUS_SUCCESS with Count 0: the write fails, with
# a message, instead of looking done or moving nothing for ever.
case_write_none() {
	begin write-none
	if mounted; then
		timed 60 python3 -c 'import errno, os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
os.write(fd, b"data")
try:
    os.close(fd)
    print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])' "$m/none"
		expect "$name: close after a write" "$r" EIO
		msg "refused a WRITE response: nothing written, and no error"
	fi
	finish
}

# The WRITE at 32 KiB refused (disk full), the second piece of a 192 KiB
# O_DIRECT write (6 pieces of 32 KiB on the one idle channel, sent at
# once), the pieces after it written: the write reports the first piece,
# and the file, on the server, ends there. Before 2026-12-07 it ended
# where the last piece did, 160 KiB past what the write reported, with a
# gap of 32 KiB. The server refuses by offset: the pieces reach it in no
# fixed order.
case_write_gap() {
	begin write-gap
	if mounted; then
		timed 60 python3 -c 'import errno, mmap, os, sys
buf = mmap.mmap(-1, 6 * 32768)  # page-aligned, as O_DIRECT wants
buf.write(b"d" * len(buf))
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o644)
try:
    print(os.write(fd, buf))
except OSError as e:
    print(errno.errorcode[e.errno])
os.close(fd)' "$m/gap"
		expect "$name: the O_DIRECT write reports the first piece" \
			"$rc $r" "0 32768"
		try 60 "stat:$m/gap"
		expect "$name: the server's file ends there" "$r" \
			"stat OK size=32768 nlink=1"
		timed 60 python3 -c 'import sys
print(open(sys.argv[1], "rb").read() == b"d" * 32768)' "$m/gap"
		expect "$name: it reads back as written" "$rc $r" "0 True"
	fi
	finish
}

# A server that never answers the unlock of the first lock (the second
# LOCK): while that unlock waits for it (30 s), another process's lock of
# another range of the file goes through, not held up behind it. The
# server may still hold the lock the unlock failed to release: the file's
# last close sends its CLOSE at once, though the lease caches handles and
# closetimeo would keep it a minute.
case_unlock_silent() {
	local pid closes
	begin unlock-silent
	if mounted closetimeo=60; then
		python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0)
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0)' "$m/hello.txt" >/dev/null 2>&1 &
		pid=$!
		srv_await " LOCK .*-> unlock-silent"
		timed 60 python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 10)
print("locked")' "$m/hello.txt"
		expect "$name: a lock beside the unlock" "$rc $r" "0 locked"
		# Held up behind the unlock, it would take 30 s. It took 6.2 s
		# to 8.9 s, and once 11.5 s beside the other kernel's guest.
		within "$name: a lock beside the unlock" "$took" 20
		closes=$(srvlog | grep -c " CLOSE ")
		wait "$pid"
		for _ in $(seq 50); do
			[ "$(srvlog | grep -c " CLOSE ")" -gt "$closes" ] && break
			sleep 0.1
		done
		expect "$name: the last close after it sends a CLOSE" \
			"$(srvlog | grep -c " CLOSE ")" "$((closes + 1))"
		msg "no response to command 10 "
	fi
	finish
}

# A server that keeps a LOCK pending and ignores its CANCEL: the locker,
# killed while it waits, never hears whether the server granted it, and
# its last close sends the CLOSE at once, which releases such a lock,
# though the lease caches handles and closetimeo would keep it a minute
# (kept, before 2026-12-06, the handle held the lock on).
case_lock_pending() {
	local closed="CLOSE of the pending LOCK's handle" pid t0
	begin lock-pending
	if mounted closetimeo=60; then
		python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0)' "$m/hello.txt" >/dev/null 2>&1 &
		pid=$!
		srv_await " LOCK .*-> lock-pending"
		t0=$(date +%s%N)
		kill -KILL "$pid"
		wait "$pid"
		within "$name: SIGKILL ends a lock the server keeps pending" \
			$((($(date +%s%N) - t0) / 1000000)) 10
		for _ in $(seq 50); do
			srvlog | grep -qF "$closed" && break
			sleep 0.1
		done
		expect "$name: the killed locker's close sends a CLOSE" \
			"$(srvlog | grep -cF "$closed")" 1
	fi
	finish
}

# A lock the server applied, whose connection it then dropped without
# answering: sent again on the other channel, it carries the lock
# sequence of the durable handle (MS-SMB2 3.2.4.19), and the server,
# which has it already, does not take it again: the process has its
# lock, and unlocks; another then locks the same byte (before 2026-12-07
# the LOCK went again with no lock sequence, and the server refused it
# as over the lock of its own open: EAGAIN).
case_lock_replay() {
	local lock='import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
print("locked")
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0)'
	begin lock-replay
	if mounted max_channels=2 && both_chans; then
		timed 60 python3 -c "$lock" "$m/hello.txt"
		expect "$name: a lock whose answer was lost with its connection" \
			"$rc $r" "0 locked"
		expect "$name: sent again, the server did not take it twice" \
			"$(srvlog | grep -c "bucket .*: done already, not again")" 1
		timed 60 python3 -c "$lock" "$m/hello.txt"
		expect "$name: another process's lock after the unlock" \
			"$rc $r" "0 locked"
	fi
	finish
}

# As create-replay, for the compound that opens a directory and lists it:
# the copy sent again gets the open back, and lists the directory from
# its start, which the lost copy had listed on that open (as 4793432
# left it, the copy had no CreateGuid: the server opened the directory
# again, the first open staying on the server for the session's life).
case_dir_replay() {
	begin dir-replay
	if mounted max_channels=2 && both_chans; then
		try 60 "list:$m/sub"
		expect "$name: ls" "$r" "list OK hello.txt,sub"
		expect "$name: the server gave the open back to the copy sent again" \
			"$(srvlog | grep -c "CREATE of sub replayed")" 1
	fi
	finish
}

# A directory made with the file id of one removed here while a process
# still had it as its working directory: the new directory is another,
# and lists (before 2026-12-08 it took the removed one's inode and
# dentry, dead: the process was in "e", and getdents failed ENOENT, which
# readdir(3) takes as the end: ls showed e empty).
case_dir_id_reuse() {
	local pid
	begin dir-id-reuse
	if mounted; then
		timed 30 mkdir "$m/d"
		expect "$name: mkdir d" "$rc${r:+ $r}" 0
		(cd "$m/d" && exec sleep 60) &
		pid=$!
		sleep 1
		timed 30 rmdir "$m/d"
		expect "$name: rmdir d, a process in it" "$rc${r:+ $r}" 0
		timed 30 mkdir "$m/e"
		expect "$name: mkdir e" "$rc${r:+ $r}" 0
		expect "$name: e made with d's file id" \
			"$(srvlog | grep -c "e made with the IndexNumber")" 1
		# The server lists the files of its share in every directory.
		try 30 "list:$m/e"
		expect "$name: ls e" "${r%%,*}" "list OK e"
		expect "$name: the process is left in d" \
			"$(readlink "/proc/$pid/cwd")" "$m/d (deleted)"
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	finish
}

# A server lost at the mount's TREE_CONNECT, for good: the mount fails
# with a message that says no answer came (before 2026-12-08 it said
# "answer refused").
case_tcon_drop() {
	begin tcon-drop
	hmount 60
	expect "$name: mount fails" "$r" EHOSTDOWN ECONNABORTED ENOTCONN EIO
	within "$name: mount fails" "$took" 30
	msg "cannot connect to share share: no answer"
	finish
}

# A server lost while the mount reads the root of the share, for good:
# the mount fails, with a message, rather than wait for it as a mounted
# hard mount does (before 2026-12-08 it waited until killed).
case_root_drop() {
	begin root-drop
	hmount 60
	expect "$name: mount fails" "$r" EHOSTDOWN ECONNABORTED ENOTCONN EIO
	within "$name: mount fails" "$took" 30
	msg "cannot read the root of share"
	finish
}

# A server restarted without multichannel: the new session goes on with
# one channel and tries no bind, which the server would refuse (before
# 2026-12-08 the second channel's slot was bound again every 5 s).
case_mc_gone() {
	begin mc-gone
	if mounted max_channels=2 && both_chans; then
		try 60 "read:$m/hello.txt"
		expect "$name: read answered in a new session" "$r" \
			"read OK $hello"
		sleep 12
		expect "$name: no bind tried in 12 s" \
			"$(srvlog | grep -c "bind refused: multichannel gone")" 0
		expect "$name: channels in DebugData" "$(chans "$a")" 1
	fi
	finish
}

# A QUERY_DIRECTORY that goes on with a listing, run by the server and
# lost with its connection: the copy sent on the other channel would be
# answered with the entries after those lost. The listing starts again
# and passes over what it gave: every name is listed once (before
# 2026-12-08 about 540 names were missing, without an error).
# dir-resend-twice loses the second such query, and the first after the
# listing started again, while it passes over entries still, on the one
# channel left: the session's last (before 2026-12-08 the listing
# counted only those passed over since, and gave the others twice).
case_dir_resend() { # case names drops
	begin "$1"
	if mounted max_channels=2 && both_chans; then
		timed 120 sh -c 'ls -A -- "$1" >"$2" &&
			echo "$(wc -l <"$2") $(sort -u "$2" | wc -l)"' \
			sh "$m" "$work/$1.ls"
		expect "$name: ls lists every name once" "$rc $r" "0 $2 $2"
		expect "$name: the server ran it and dropped the connection" \
			"$(srvlog | grep -c "QUERY_DIRECTORY going on with a listing run")" "$3"
	fi
	finish
}

# As lock-replay, for the lock F_GETLK tries on the server and lets go
# of: sent again, it carries a lock sequence too, and is not taken twice;
# F_GETLK finds the byte free, and the server is left with no lock (as
# d7d66a4 left it, the probe went without one: the server refused the
# copy as over the lock of its own open, F_GETLK reported that lock as
# another's, and the server kept it).
case_getlk_replay() {
	local lock='import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
print("locked")'
	begin getlk-replay
	if mounted max_channels=2 && both_chans; then
		timed 60 python3 -c 'import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
lk = fcntl.fcntl(fd, fcntl.F_GETLK,
                 struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 1, 0))
print("free" if struct.unpack("hhqqi", lk)[0] == fcntl.F_UNLCK else "held")
' "$m/hello.txt"
		expect "$name: F_GETLK whose probe was lost with its connection" \
			"$rc $r" "0 free"
		expect "$name: sent again, the server did not take it twice" \
			"$(srvlog | grep -c "bucket .*: done already, not again")" 1
		timed 60 python3 -c "$lock" "$m/hello.txt"
		expect "$name: a lock of the same byte after it" "$rc $r" \
			"0 locked"
	fi
	finish
}

# A multichannel server that answers every TREE_DISCONNECT and LOGOFF
# STATUS_FILE_NOT_AVAILABLE, which asks for them again: umount sends
# each once, best effort, and ends within its time (before 2026-12-06
# each went out 25 times, about 40 s apiece).
case_busy_teardown() {
	begin busy-teardown
	if mounted; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
	fi
	finish
}

# A server that keeps the interface query pending (an interim, never the
# final answer) which the maintenance work sends once the second channel
# was lost: umount, which waits for that work, ends the query's wait at
# once, without a "no response" for it (before 2026-12-07 it waited for
# the query's two request timeouts, up to 60 s, and SIGKILL could not
# end it).
case_ifaces_pending() {
	local bad
	begin ifaces-pending
	if mounted max_channels=2; then
		srv_await " IOCTL .*-> ifaces-pending"
		expect "$name: the interface query after the loss kept pending" \
			"$(srvlog | grep -c " IOCTL .*-> ifaces-pending")" 1
		umount_limit=10
	fi
	finish
	bad=$(ourlog | grep -E "no response|cannot list the server's interfaces" |
		head -n 1)
	expect "$name: dmesg: no timeout or failure of the interface query" \
		"${bad:-none}" none
}

# A server that never answers a READ: a write of a byte into a page not
# cached reads the page first, and SIGKILL ends the writer while that
# READ waits. The READ stays in flight after the file is closed, and its
# end names the share: umount waits for it (its 30 s timeout), and frees
# nothing it uses before (a use-after-free of the tree connect, which
# the sanitizer kernel's KASAN shows, before 2026-12-06).
case_read_killed() {
	begin read-killed
	if mounted; then
		killed "a write that reads its page first" dd if=/dev/zero \
			of="$m/hello.txt" bs=1 seek=1 count=1 conv=notrunc
	fi
	finish
	# The READ timed out while umount waited for it.
	msg "no response to command 8 "
}

# As read-killed, but the READ is answered 15 s late, after its reader was
# killed: the answer lands in the READ's own buffer, and the file reads
# as it is. Late enough for the kill to be over first: a killed task
# that runs again only once the answer came (in the whole suite a kill
# took up to 7 s to end its process) takes the answer
# (wait_for_completion_killable() returns what completed), and its
# write goes through; it did with the READ answered 6 s late, on
# 2026-12-07, as a probe that kept the CPU of the killed dd from it for
# 8 s showed: "h\0llo...".
case_read_late() {
	begin read-late
	if mounted; then
		killed "a write that reads its page first" dd if=/dev/zero \
			of="$m/hello.txt" bs=1 seek=1 count=1 conv=notrunc
		sleep 4
		try 60 "read:$m/hello.txt"
		expect "$name: cat after it" "$r" "read OK $hello"
	fi
	finish
}

# A server that answers each WRITE 6 s late, writing its data then: an
# O_DIRECT write of 4 KiB, killed while its WRITE waits, then a truncate
# to 0. The truncate waits for that WRITE (before 2026-12-06 it went out
# at once, and the WRITE, landing after it, made the file 4 KiB again).
case_write_late() {
	begin write-late
	if mounted actimeo=0; then
		killed "an O_DIRECT write" dd if=/dev/zero of="$m/hello.txt" \
			bs=4096 count=1 oflag=direct conv=notrunc
		timed 60 truncate -s 0 "$m/hello.txt"
		expect "$name: truncate" "$rc $r" "0 "
		within "$name: truncate" "$took" 30
		srv_await " WRITE "
		try 60 "stat:$m/hello.txt"
		expect "$name: stat once the WRITE landed" "$r" \
			"stat OK size=0 nlink=1"
	fi
	finish
}

# A server that answers every CREATE of hello.txt STATUS_FILE_NOT_AVAILABLE,
# which asks a multichannel client to send it again: a stat fails once
# its CREATE went out 25 times (about 40 s of pauses), with a message,
# and one killed while it waits ends at once.
case_busy() {
	begin busy
	if mounted; then
		killed "a stat the server keeps asking to send again" \
			stat "$m/hello.txt"
		try 90 "stat:$m/hello.txt"
		expect "$name: stat fails" "$r" "stat EAGAIN"
		within "$name: stat fails" "$took" 60
		msg "CREATE answered STATUS_FILE_NOT_AVAILABLE 25 times: it fails"
	fi
	finish
}

# A server that answers the CREATE of late.txt 12 s late, opening it then:
# an open(O_CREAT) of it, killed while its CREATE waits (after 3 s; in
# the whole suite a kill took up to 7 s to end its process: answered 6 s
# late, the copy with a bad signature once ended the CREATE still
# waited for, and the real answer found nothing). The client sends
# a CLOSE for the handle that answer opened, once it came (before
# 2026-12-07 the answer was dropped, and the server kept the file open
# until the session ended), signed, in the session and tree of the
# CREATE: the server refuses it otherwise. A copy of the answer with a
# bad signature comes first: refused, it leaves the real one its due
# (before 2026-12-07 it used up what the client kept of the request).
case_create_late() {
	local closed="CLOSE of the late CREATE's handle"
	begin create-late
	if mounted; then
		killed "an open(O_CREAT) whose CREATE the server holds" \
			bash -c ': >"$1"' - "$m/late.txt"
		for _ in $(seq 200); do
			srvlog | grep -qF "$closed" && break
			sleep 0.1
		done
		expect "$name: the CREATE was answered after the kill" \
			"$(srvlog | grep -c "CREATE of late.txt answered")" 1
		expect "$name: the handle it opened gets a CLOSE" \
			"$(srvlog | grep -cF "$closed")" 1
		msg "CREATE answered after its call ended: closing the handle"
		msg "CREATE response for MessageId [0-9]+, whose waiter gave up, with a missing or bad signature: ignored"
	fi
	finish
}

# A copy of the answer to an open's CREATE with a bad signature, sent 1 s
# ahead of the real one: the open fails at once (EACCES), and the real
# answer, which opened the file, is taken as a late one is: its handle
# gets a CLOSE, and its credits count (before 2026-12-07 it found nothing
# outstanding: the server kept the file open until the session ended,
# and the channel was left with the credits of one request fewer). A
# real answer that comes while the copy is still being checked is the
# open's (credits-forged's first read).
case_create_forged() {
	local closed="CLOSE of the forged CREATE's handle" c0 c1
	begin create-forged
	if mounted; then
		c0=$(rest_credits)
		timed 60 bash -c ': >"$1"' - "$m/forged.txt"
		expect "$name: the open fails" "$(errno_name "$r")" EACCES
		for _ in $(seq 100); do
			srvlog | grep -qF "$closed" && break
			sleep 0.1
		done
		expect "$name: the CREATE's copy with a bad signature came first" \
			"$(srvlog | grep -c "forged.txt: answer with a bad signature sent ahead")" 1
		expect "$name: the handle the real answer opened gets a CLOSE" \
			"$(srvlog | grep -cF "$closed")" 1
		c1=$(credits_back "$c0")
		expect "$name: credits at rest as before (${c0:-unknown})" \
			"${c1:-none}" "${c0:-unknown}"
		msg "response to command 5 has a missing or bad signature"
		msg "CREATE answered after its call ended: closing the handle"
	fi
	finish
}

# A server restarted that hands out FileIds again (ksmbd's idr does), so
# that hello.txt, opened again first, gets other.txt's old FileId and
# other.txt hello.txt's: the READ of other.txt that waited for the new
# session must still read other.txt, not the file that has its old
# FileId now.
# With hello.txt and other.txt open, a READ of other.txt, which the
# restart cases restart at: it waits, and is answered in the new session.
read_held_across_restart() {
	timed 60 bash -c 'exec 3<"$1" 4<"$2" && cat <&4' - \
		"$m/hello.txt" "$m/other.txt"
	expect "$name: the READ that waited reads its own file" \
		"$rc ${r// /_}" "0 $other"
	within "$name: READ answered in the new session" "$took" 30
}

# Both files held open across the restart were reclaimed with DH2C.
reclaimed_both() {
	expect "$name: persistent handles reclaimed after the restart" \
		"$(srvlog | grep -Ec 'DH2C (hello|other)\.txt fid=[0-9]+ -> reclaimed')" 2
}

case_fid_reuse() {
	begin fid-reuse
	if mounted; then
		read_held_across_restart
		if srvlog | grep -Eq 'restart: FileIds \[[0-9]+, [0-9]+'; then
			rec ok "$name: both files were open at the restart"
		else
			rec fail "$name: both files were open at the restart" \
				"$(srvlog | grep restart)"
		fi
		msg "every channel lost: setting up a new session"
	fi
	finish
}

# A server restarted whose first new session fails while it opens the
# files again (hello.txt opened, the connection dropped at other.txt), and
# that answers the next NEGOTIATE 8 s late. A READ made meanwhile (with
# O_DIRECT, which builds it at once, where a cached read would look at
# the file's attributes first) must go on in the session after (the
# failed one's FileIds never reach a file),
# the READ that waited since the restart too, and the next session must
# name the failed one as PreviousSessionId (MS-SMB2 3.2.4.2.2): that one,
# not the session lost at the restart, is what the server may still hold.
case_reopen_drop() {
	local s1 p2
	begin reopen-drop
	if mounted; then
		timed 90 bash -c 'exec 3<"$1" 4<"$2" || exit
			cat <&4 >"$3" 2>&1 &
			for _ in $(seq 300); do
				grep -q "^$4 .*NEGOTIATE delayed" "$5" && break
				sleep 0.2
			done
			dd iflag=direct bs=4096 count=1 status=none <&3
			s=$?
			wait
			exit $s' - "$m/hello.txt" "$m/other.txt" "$work/rd.other" \
			"$a:$port" "$work/server.log"
		expect "$name: a READ made between two attempts reads its file" \
			"$rc ${r// /_}" "0 $hello"
		expect "$name: the READ that waited since the restart" \
			"$(tr ' ' _ <"$work/rd.other")" "$other"
		s1=$(srvlog | grep -o 'new session 0x[0-9a-f]*' | sed -n 2p)
		p2=$(srvlog | grep -o 'previous 0x[0-9a-f]*' | sed -n 3p)
		expect "$name: the next session names the failed one previous" \
			"${p2#previous }" "${s1#new session }"
		msg "every channel lost: setting up a new session"
	fi
	finish
}

# A server restarted that then takes connections and never answers
# NEGOTIATE: the READ waiting for it (a hard mount) ends on SIGKILL, so
# does a process that has a directory open and listed (its exit closes
# the directory, where it waited for the server: no signal ends the
# wait of an exiting process), and umount completes.
case_silent_reconnect() {
	local pid
	begin silent-reconnect
	if mounted; then
		python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
os.listdir(fd)
print("listed", flush=True)
time.sleep(600)' "$m" >"$work/sr.listed" 2>&1 &
		pid=$!
		for _ in $(seq 100); do
			grep -q listed "$work/sr.listed" && break
			sleep 0.2
		done
		killed "a READ waiting for a server silent after a restart" \
			cat "$m/hello.txt"
		sigkill_ends "a process with a listed directory open" "$pid"
		msg "every channel lost: setting up a new session"
	fi
	finish
}

# A server restarted whose first new session answers its second CREATE
# (other.txt opened again) 6 s late, and the tree connect to IPC$ after
# it 3 s late; hello.txt, opened again before, is closed meanwhile. The
# close must reach the new session, not leave the file open on the
# server until umount.
case_close_race() {
	local after
	begin close-race
	if mounted max_channels=2 && both_chans; then
		# The reader has not hello.txt open: the close is the last.
		timed 90 bash -c 'exec 3<"$1" 4<"$2" || exit
			cat <&4 3<&- >"$3" 2>&1 &
			for _ in $(seq 300); do
				grep -q "^$4 .*CREATE delayed" "$5" && break
				sleep 0.2
			done
			t0=$(date +%s%N)
			exec 3<&-
			echo $((($(date +%s%N) - t0) / 1000000)) >"$6"
			wait' - "$m/hello.txt" "$m/other.txt" "$work/cr.other" \
			"$a:$port" "$work/server.log" "$work/cr.close"
		expect "$name: the READ that waited" \
			"$(tr ' ' _ <"$work/cr.other")" "$other"
		# The new session is 6 s from up: the close does not wait.
		within "$name: the close" "$(cat "$work/cr.close" 2>/dev/null || echo 99999)" 2
		after=$(srvlog | sed -n '/restart:/,$p')
		if grep -q "CLOSE of hello.txt" <<<"$after"; then
			rec ok "$name: the file closed meanwhile is closed in the new session"
		else
			rec fail "$name: the file closed meanwhile is closed in the new session" \
				"$(grep -E 'CREATE|CLOSE|session' <<<"$after" | tail -n 6)"
		fi
	fi
	finish
}

# As close-race, but the server keeps the CLOSE of hello.txt in its new
# session pending (an interim), never answered. The session is given to
# dispatch before that CLOSE: the reader of other.txt, killed, and the
# shell that holds other.txt open and closed hello.txt end in seconds
# (before 2026-12-07 the shell's exit, closing other.txt, waited for the
# new session, which waited for that CLOSE: two request timeouts, 60 s),
# and umount stops the wait for the CLOSE.
case_close_race_pending() {
	begin close-race-pending
	if mounted max_channels=2 && both_chans; then
		timed 120 bash -c 'exec 3<"$1" 4<"$2" || exit
			cat <&4 3<&- >/dev/null 2>&1 &
			for _ in $(seq 300); do
				grep -q "^$3 .*CREATE delayed" "$4" && break
				sleep 0.2
			done
			exec 3<&-
			for _ in $(seq 300); do
				grep -q "^$3 .*CLOSE of hello.txt kept pending" "$4" &&
					break
				sleep 0.2
			done
			kill -KILL $!
			wait' - "$m/hello.txt" "$m/other.txt" "$a:$port" \
			"$work/server.log"
		expect "$name: the CLOSE of the file closed meanwhile is pending" \
			"$(srvlog | grep -c "CLOSE of hello.txt kept pending")" 1
		# About 10 s: 6 s for the CREATE, 3 s for the TREE_CONNECT
		within "$name: the reader killed and its shell end" "$took" 30
	fi
	finish
}

# The CREATE of a compound that opens hello.txt (a stat's) answered
# alone, and the connection dropped before the rest ran: the compound
# goes out again whole on the other channel, and the handle the first
# CREATE opened gets a CLOSE (before 2026-12-07 it stayed open on the
# server until the session ended).
case_split_drop() {
	local closed="CLOSE of the split compound's handle"
	begin split-drop
	if mounted max_channels=2 && both_chans; then
		try 60 "stat:$m/hello.txt"
		expect "$name: stat" "$r" "stat OK size=37 nlink=1"
		srv_await "$closed"
		expect "$name: the handle of the CREATE answered alone gets a CLOSE" \
			"$(srvlog | grep -cF "$closed")" 1
		msg "CREATE answered in a compound sent again: closing the handle"
	fi
	finish
}

# As split-drop, for the open(O_CREAT) of replay.txt (a compound with no
# CLOSE), with a durable handle asked for: the server knows the copy
# sent again by its CreateGuid and gives the same open back (MS-SMB2
# 3.3.5.9.10). That handle is the open file's: it gets no CLOSE while
# the file is open, and a write and fsync go through it (as 4094176 left
# it, the handle left over got a CLOSE at once: the file's own).
case_split_replay() {
	local closed="CLOSE of the split compound's handle"
	begin split-replay
	if mounted max_channels=2 && both_chans; then
		python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
time.sleep(3)
os.write(fd, b"replayed")
os.fsync(fd)
print("written")' "$m/replay.txt" >"$work/sr.out" 2>&1 &
		srv_await "CREATE of replay.txt replayed"
		sleep 1
		expect "$name: the server gave the open back to the copy sent again" \
			"$(srvlog | grep -c "CREATE of replay.txt replayed")" 1
		expect "$name: no CLOSE of the open file's handle while it is open" \
			"$(srvlog | grep -cF "$closed")" 0
		wait $!
		expect "$name: a write and fsync through it" "$(cat "$work/sr.out")" \
			written
	fi
	finish
}

# An exclusive create (O_EXCL, no lease: the server grants none) whose
# connection the server drops once it created the file, unanswered: the
# copy sent on the other channel, flagged as a replay, carries the
# CreateGuid of a durable handle request, which the server knows and
# gives the same open back for (MS-SMB2 3.3.5.9.10), though the handle
# is not durable. The open succeeds with the file it created (as d7d66a4
# left it, the copy had no CreateGuid, and failed EEXIST).
case_create_replay() {
	begin create-replay
	if mounted max_channels=2 && both_chans; then
		timed 60 python3 -c 'import errno, os, sys
try:
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
except OSError as e:
    sys.exit(errno.errorcode[e.errno])
os.write(fd, b"replayed")
os.fsync(fd)
print("written")' "$m/excl.txt"
		expect "$name: O_EXCL create, write and fsync" "$r" written
		expect "$name: the server gave the open back to the copy sent again" \
			"$(srvlog | grep -c "CREATE of excl.txt replayed")" 1
	fi
	finish
}

# As truncate-race, with an append instead of the truncate: 8192 bytes
# through a second open, written back, and that open closed (the first
# keeps the lease; nothing here may write) before the answer held over
# them comes. It was asked for before the append, which made the file
# larger here: it is not taken (as 5533590 left it, it was: stat said
# 16384, a read through the first open ended there, and an append landed
# at 16384, over the 8192 bytes on the server).
case_append_race() {
	begin append-race
	if mounted actimeo=30; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import mmap, os, sys
from stale import append, stat_held_over


def append_synced(f):
    w = os.open(f, os.O_WRONLY | os.O_APPEND)
    os.write(w, b"A" * 8192)
    os.fsync(w)
    os.close(w)


r, f = stat_held_over(*sys.argv[1:4], append_synced)
print(os.stat(f).st_size)
os.lseek(r, 0, os.SEEK_SET)
data = os.read(r, 65536)
print(len(data), data[-4:].decode())
append(f, b"second")
buf = mmap.mmap(-1, 65536)
fd = os.open(f, os.O_RDONLY | os.O_DIRECT)
n = os.preadv(fd, [buf], 0)
print(n, buf[n - 10:n].decode())
os.close(r)' "$m" "$work/server.log" "$a:$port"
		expect "$name: read before the append" \
			"$rc $(sed -n 1p <<<"$r")" "0 16384"
		expect "$name: the stat's QUERY_INFO held over the append" \
			"$(sed -n 2p <<<"$r") $(srvlog | grep -c \
			"QUERY_INFO of shrunk.txt answered after the release")" \
			"held 1"
		expect "$name: stat after the held answer" "$(sed -n 3p <<<"$r")" \
			24576
		expect "$name: a read through the first open after it" \
			"$(sed -n 4p <<<"$r")" "24576 AAAA"
		expect "$name: the server's file after an append" \
			"$(sed -n 5p <<<"$r")" "24582 AAAAsecond"
	fi
	finish
}

# A readahead still in flight when its file is closed: the server holds
# every READ from 1 MiB on 2 s, and logs whether the FileId it names was
# still open when it answers. The READs hold the handle: its CLOSE comes
# after them (as 4bf3d30 left it, the CLOSE went at once, and the server
# answered READs of a FileId it had closed, which it may have given to
# another open meanwhile).
case_read_close() {
	begin read-close
	if mounted; then
		timed 60 python3 -c '
import os, sys, time
f = sys.argv[1]
fd = os.open(f, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"x" * (2 << 20))
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)
fd = os.open(f, os.O_RDONLY)
os.posix_fadvise(fd, 1 << 20, 1 << 20, os.POSIX_FADV_WILLNEED)
os.close(fd)
time.sleep(4)
print("closed")' "$m/big"
		expect "$name: readahead, and a close" "$rc $r" "0 closed"
		expect "$name: the server held READs" \
			"$(srvlog | grep -c "READ held" | sed "s/^[1-9][0-9]*$/some/")" \
			some
		expect "$name: no READ answered after the CLOSE of its FileId" \
			"$(srvlog | grep -c "READ held .*FileId closed")" 0
	fi
	finish
}

# A file read into the cache here (no lease: the server grants none),
# which another client rewrites, as long, with a new LastWriteTime, while
# a chmod here waits for its SET_INFO (the server holds it 2 s; the chmod
# holds the inode lock). A stat meanwhile gets the new LastWriteTime and
# cannot look at the cached pages under that lock: the change is found
# again once the chmod ended, and a read gives the new text (as f57efb1
# left it, the stat took the new time, and the old text came from the
# cache, after a close and an open too, until the file changed again).
case_chmod_race() {
	begin chmod-race
	if mounted actimeo=0; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, sys
from stale import call_held
f, log, srv = sys.argv[1:4]
print(open(f).read().strip())
t = call_held(log, srv, "SET_INFO of hello.txt", os.chmod, f, 0o444)
os.stat(f)
t.join()
print(open(f).read().strip())' "$m/hello.txt" "$work/server.log" "$a:$port"
		expect "$name: read before" "$rc $(sed -n 1p <<<"$r")" \
			"0 hello from the smb3mc hostile server"
		expect "$name: a stat while the chmod waits" "$(sed -n 2p <<<"$r")" \
			held
		expect "$name: read after, the new text" "$(sed -n 3p <<<"$r")" \
			"HELLO FROM THE SMB3MC HOSTILE SERVER"
	fi
	finish
}

# A stat while a link(2) waits for its answer is told the file has no
# link, as a server says of a file whose last name is being deleted: the
# link then succeeds, the file with a link again, without a warning
# (before 2026-12-08 inc_nlink() warned of a count of 0).
case_link_race() {
	begin link-race
	if mounted actimeo=0; then
		timed 60 env PYTHONPATH="$REPO/tests/lib" python3 -c '
import os, sys
from stale import call_held
f, log, srv = sys.argv[1:4]
t = call_held(log, srv, "SET_INFO link of hello.txt", os.link, f, f + ".2")
print("during: nlink=%d" % os.stat(f).st_nlink)
t.join()
print("after: nlink=%d, %s" % (os.stat(f).st_nlink,
      "linked" if os.path.exists(f + ".2") else "not linked"))
' "$m/hello.txt" "$work/server.log" "$a:$port"
		expect "$name: a stat while the link waits" \
			"$rc $(sed -n 1,2p <<<"$r" | tr '\n' ' ')" \
			"0 held during: nlink=0 "
		expect "$name: the link made" "$(sed -n 3p <<<"$r")" \
			"after: nlink=1, linked"
	fi
	finish
}

# A sealed 3.0 mount that does not sign (nosign,seal): the server's
# answer to VALIDATE_NEGOTIATE, encrypted, names other capabilities than
# its NEGOTIATE, as a NEGOTIATE that a man in the middle changed would
# leave them (MS-SMB2 3.2.5.5): the mount fails (as 7eb1273 left it, a
# mount that did not sign asked nothing, and mounted).
case_seal_vneg() {
	begin seal-vneg
	hmount 60 vers=3.0,nosign,seal
	expect "$name: mount" "$r" EIO
	msg "validating the negotiated dialect failed"
	expect "$name: the server was asked" \
		"$(srvlog | grep -c "VALIDATE_NEGOTIATE answered")" 1
	finish
}

# A lease break on a session the server encrypts: the server grants the
# lease a sealed mount's open asks for and breaks it, read and write
# caching to read, at once, encrypted or in clear. A lease is the
# client's, not a session's: Samba sends its breaks with SessionId 0,
# which names no key to encrypt with, so in clear even where the share
# requires encryption (t72). Both are acted on, and acknowledged.
# A continuously available share, whose server offers persistent handles
# and restarts at the READ of other.txt, keeping them: the client asked
# for persistent handles of both files held open (the server granted
# them), reclaims both with DH2C in its new session, and the READ that
# waited reads its own file. DebugData counts both.
case_ca_restart() {
	local n
	begin ca-restart
	if mounted; then
		read_held_across_restart
		n=$(srvlog | grep -Ec 'CREATE (hello|other)\.txt fid=[0-9]+ -> persistent')
		expect "$name: persistent handles granted" "$n" 2
		reclaimed_both
		n=$(grep -F "($a)" /proc/fs/smb3mc/DebugData |
			grep -Eo 'persistent [0-9]+')
		expect "$name: DebugData" "$n" "persistent 2"
		msg "2 open files opened again \(2 durable handles reclaimed\)"
	fi
	finish
}

# As ca-restart, with leases: the server grants each reclaim the lease
# again and breaks it at once, on the connection the new session is
# being set up on, before the client has it in use (the other file is
# still to be reclaimed). Another client's open waits for the
# acknowledgments: both come, within seconds, not at the server's
# timeout (35 s in Samba) or never.
case_ca_break() {
	local n
	begin ca-break
	if mounted; then
		read_held_across_restart
		reclaimed_both
		expect "$name: the server broke both leases" \
			"$(srvlog | grep -c 'lease break sent in clear')" 2
		for _ in $(seq 50); do
			n=$(srvlog | grep -c 'lease break acknowledged')
			[ "$n" = 2 ] && break
			sleep 0.2
		done
		expect "$name: both breaks acknowledged" "$n" 2
	fi
	finish
}

# A server restarted after it made the hard link a SET_INFO asked for,
# before it answered: link(2), done again in the new session, finds its
# new name there as the same file (its IndexNumber), and succeeds.
case_link_restart() {
	begin link-restart
	if mounted; then
		timed 60 ln "$m/hello.txt" "$m/h2"
		expect "$name: link(2) across the restart" "$rc${r:+ $r}" 0
		try 60 "read:$m/h2"
		expect "$name: the new name reads the file" "${r#* }" "OK $hello"
		msg "every channel lost: setting up a new session"
	fi
	finish
}

# A handle the last close kept (closetimeo, under a lease caching
# handles) is being closed, its CLOSE not yet answered, when the file is
# removed or renamed: the delete or rename waits for that answer, or the
# server finds the file still open and leaves it delete-pending (its name
# taken, its directory not empty) or refuses the rename, until the CLOSE.
# The server answers each CLOSE 3 s late.
case_close_late() {
	local f held what
	begin close-late
	if mounted closetimeo=1; then
		for f in gone moved; do
			timed 30 bash -c ': >"$1"' - "$m/$f"
			for _ in $(seq 100); do
				srvlog | grep -q "CLOSE of $f held" && break
				sleep 0.1
			done
			held="$(srvlog | grep -c "CLOSE of $f held") held"
			held+=", $(srvlog | grep -c "CLOSE of $f answered") answered"
			if [ $f = gone ]; then
				what=delete
				timed 30 rm -- "$m/$f"
			else
				what=rename
				timed 30 mv -- "$m/$f" "$m/renamed"
			fi
			expect "$name: $f: its kept handle's CLOSE was held when the $what began" \
				"$held" "1 held, 0 answered"
			expect "$name: $f: $what" "$rc${r:+ $r}" 0
			expect "$name: $f: ${what}s sent while its CLOSE was unanswered" \
				"$(srvlog | grep -c "$what of $f while")" 0
		done
		try 30 "list:$m"
		expect "$name: ls" "$r" "list OK hello.txt,renamed"
	fi
	finish
}

# A server that drops each new session as soon as the client uses it (a
# restart at its interface query, sent once the session is set up): the
# client waits before each next one as after failed attempts, up to 2 s,
# and does not set them up back to back for as long as the mount lasts.
case_relapse() {
	local n0 n
	begin relapse
	if mounted max_channels=2; then
		try 90 "read:$m/hello.txt"
		expect "$name: the READ ends" "$r" "read OK $hello" "read EIO" \
			"read ECONNABORTED" "read EHOSTDOWN" "read ETIMEDOUT"
		sleep 4
		n0=$(srvlog | grep -c 'restart:')
		sleep 10
		n=$(($(srvlog | grep -c 'restart:') - n0))
		if [ "$n" -ge 1 ] && [ "$n" -le 8 ]; then
			rec ok "$name: $n new sessions lost in 10 s, each set up after a wait"
		else
			rec fail "$name: 1 to 8 new sessions lost in 10 s" "$n"
		fi
		msg "every channel lost: setting up a new session"
	fi
	finish
}

case_seal_break() { # case
	local acks breaks
	begin "$1"
	if mounted seal; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		sleep 2
		expect "$name: the server sent a break" \
			"$(srvlog | grep -c 'lease break sent')" 1
		acks=$(srvlog | grep -c ' OPLOCK_BREAK ')
		breaks=$(grep "server $a " /proc/fs/smb3mc/DebugData |
			grep -o 'lease breaks [0-9]*')
		expect "$name: break acknowledged" "$acks" 1
		expect "$name: DebugData" "$breaks" "lease breaks 1"
	fi
	finish
}

# A break of a lease whose last handle the client closed, which the
# server sends before it answers the CLOSE (another client's open came
# first), to epoch 2: acknowledged, and not kept. The next open gets a
# new lease, at epoch 1 again, which the server breaks to epoch 2 at
# once: a break the client has not seen, acknowledged too. (Kept, the
# old break had the new grant ignored as older, and the new break
# ignored as one seen, "not newer": unacknowledged, it would hold up
# the other client's open until the server gave up.) closetimeo=0: each
# last close sends its CLOSE at once.
case_break_after_close() {
	local after='lease break sent .* after CREATE$'
	begin break-after-close
	if mounted closetimeo=0; then
		try 60 "read:$m/hello.txt"
		expect "$name: cat" "$r" "read OK $hello"
		for _ in $(seq 100); do
			srvlog | grep -q ' OPLOCK_BREAK ' && break
			sleep 0.1
		done
		try 60 "read:$m/hello.txt"
		expect "$name: cat again" "$r" "read OK $hello"
		for _ in $(seq 50); do
			srvlog | sed -n "/$after/,\$p" | grep -q ' OPLOCK_BREAK ' &&
				break
			sleep 0.1
		done
		expect "$name: two breaks of one lease" \
			"$(srvlog | grep -c 'lease break sent') sent, $(srvlog |
				grep -o 'lease break sent in clear of [0-9a-f]*' |
				sort -u | wc -l) key" "2 sent, 1 key"
		expect "$name: the break at CLOSE acknowledged" \
			"$(srvlog | sed -n "/ at CLOSE$/,/$after/p" |
				grep -c ' OPLOCK_BREAK ')" 1
		expect "$name: the new lease's break acknowledged" \
			"$(srvlog | sed -n "/$after/,\$p" |
				grep -c ' OPLOCK_BREAK ')" 1
		expect "$name: no break taken for one seen" \
			"$(ourlog | grep -c 'not newer, ignored')" 0
	fi
	finish
}

# -------------------------------------------------------------------------

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
samba=$work/mnt/samba
mkdir -p "$samba"
check "Samba mount beside the hostile server" mount -t smb3mc \
	"//$SRV_IP/$SHARE" "$samba" -o "username=$SMB_USER,password=$SMB_PASS"
echo "smb3mc beside the hostile server" >"$samba/t50.txt"

# Each case its own address on the server's end of link 1.
for i in "${!cases[@]}"; do
	echo "addr add 198.18.1.$((100 + i))/24 dev sveth1"
done >"$work/addrs"
check "server addresses 198.18.1.100-$((99 + ${#cases[@]}))" \
	ip -n "$SRV_NS" -batch "$work/addrs"
serve=()
for i in "${!cases[@]}"; do
	c=${cases[$i]%-3.0}
	serve+=(--serve "$c@198.18.1.$((100 + i)):$port")
done
t0=$SECONDS
ip netns exec "$SRV_NS" python3 "$hostile/server.py" "${serve[@]}" \
	--seed "$seed" --log "$work/server.log" 2>"$work/server.err" &
pids+=($!)
# What the interface list of iface-loopback sends the client to.
python3 "$hostile/server.py" --addr 127.0.0.1 --port $port \
	--log "$work/lo.log" 2>"$work/lo.err" &
pids+=($!)
ready() {
	grep -q ready "$work/server.log" && grep -q ready "$work/lo.log"
} 2>/dev/null
# Python and its crypto take their time to start under TCG.
for _ in $(seq 400); do
	ready && break
	sleep 0.3
done
check "hostile servers started ($((SECONDS - t0)) s)" ready

# The slow ones (30 s request timeout) run beside the others.
case_silent &
bg1=$!
case_timeout unknown-mid/READ/0 \
	"read:$work/mnt/unknown-mid-READ-0/hello.txt" &
bg2=$!
case_interims &
bg3=$!
case_timeout compound-part-missing \
	"stat:$work/mnt/compound-part-missing/hello.txt" &
bg8=$!
case_stop_reading &
bg4=$!
case_other_channel &
bg5=$!
case_go_silent &
bg6=$!
case_relapse &
bg7=$!
case_busy &
bg9=$!
case_unlock_silent &
bg10=$!
case_read_killed &
bg11=$!
case_read_late &
bg12=$!
case_write_late &
bg13=$!
case_bind_drop &
bg14=$!
case_create_late &
bg15=$!

case_none none
case_none none-3.0 vers=3.0
recovers frame0 "read:$work/mnt/frame0/hello.txt" "out of bounds"
recovers frame63 "read:$work/mnt/frame63/hello.txt" "out of bounds"
recovers frame-huge "read:$work/mnt/frame-huge/hello.txt" "out of bounds"
recovers bad-protocol "read:$work/mnt/bad-protocol/hello.txt" \
	"malformed response header"
fails truncated/QUERY_DIRECTORY/0 "list:$work/mnt/truncated-QUERY_DIRECTORY-0" \
	"EIO" "refused a QUERY_DIRECTORY response: malformed"
# Listings that never end: answered with no entries, with "." and ".."
# again and again, or with names Linux cannot represent. ls fails, where
# it would ask again for ever.
fails dir-empty "list:$work/mnt/dir-empty" "EIO" \
	"refused a QUERY_DIRECTORY response: malformed"
fails dir-dots "list:$work/mnt/dir-dots" "EIO" \
	"refused a QUERY_DIRECTORY response: .* listed again"
fails dir-badnames "list:$work/mnt/dir-badnames" "EIO" \
	"refused a QUERY_DIRECTORY response: 65536 names in a row"
# A listing naming the directory listed as its own subdirectory: the
# name is listed, and what the listing gave of it is not taken (the VFS
# refuses the loop); the name, looked up, is not there.
begin dir-loop
if mounted; then
	try 60 "list:$m" "stat:$m/loop" "read:$m/hello.txt" "list:$m"
	expect "$name: ls" "$(sed -n 1p <<<"$r")" "list OK hello.txt,loop"
	expect "$name: stat loop" "$(sed -n 2p <<<"$r")" "stat ENOENT"
	expect "$name: cat" "$(sed -n 3p <<<"$r")" "read OK $hello"
	expect "$name: ls again" "$(sed -n 4p <<<"$r")" "list OK hello.txt,loop"
fi
finish
# A server restarted that takes READs and WRITEs of 64 KiB at most from
# then on (its settings changed): the O_DIRECT read of 2 MiB whose 1 MiB
# READs wait across the restart, and a write and fsync after it, go in
# pieces the server takes, where each failed.
begin restart-smaller
if mounted; then
	head -c 2M /dev/urandom >"$work/rs.bin"
	timed 60 dd if="$work/rs.bin" of="$m/big.bin" bs=1M oflag=direct \
		status=none
	expect "$name: O_DIRECT write of 2 MiB before the restart" \
		"$rc${r:+ $r}" 0
	timed 60 dd if="$m/big.bin" of="$work/rs.back" bs=2M count=1 \
		iflag=direct status=none
	expect "$name: O_DIRECT read of it across the restart" "$rc${r:+ $r}" 0
	expect "$name: the data read is the data written" \
		"$(cmp "$work/rs.bin" "$work/rs.back" 2>&1 && echo same)" same
	timed 60 dd if="$work/rs.bin" of="$m/after.bin" bs=1M conv=fsync \
		status=none
	expect "$name: write and fsync of 2 MiB after it" "$rc${r:+ $r}" 0
	timed 60 dd if="$m/after.bin" of="$work/rs.back2" bs=1M iflag=direct \
		status=none
	expect "$name: it reads back" \
		"$(cmp "$work/rs.bin" "$work/rs.back2" 2>&1 && echo same)" same
	msg "the server came back taking less: READ 65536, WRITE 65536"
fi
finish
# A directory made here that the server gives the file id of the share's
# root: mkdir succeeds; rmdir of it ends, refused (the VFS finds the loop),
# where mkdir made the root a second dentry, and rmdir locked the root
# twice, as parent and as victim, for good.
begin mkdir-root-id
if mounted; then
	timed 30 mkdir "$m/loopy"
	expect "$name: mkdir" "$rc${r:+ $r}" 0
	timed 30 rmdir "$m/loopy"
	expect "$name: rmdir ends, refused" "$rc ${r##*: }" \
		"1 Too many levels of symbolic links"
	try 30 "list:$m" "read:$m/hello.txt"
	expect "$name: ls" "$(sed -n 1p <<<"$r")" "list OK hello.txt,loopy"
	expect "$name: cat" "$(sed -n 2p <<<"$r")" "read OK $hello"
fi
finish
recovers next-past "read:$work/mnt/next-past/hello.txt" \
	"malformed response header"
case_works next-garbage "malformed response in a compound, the rest of the message ignored"
case_works duplicate \
	"CREATE response for MessageId [0-9]+, which is not outstanding"
case_works credits-65535
# Behind each answer, 16,000 chained headers of no request: each one
# ignored, the calls answered within their time.
case_works compound-many \
	"NEGOTIATE response for MessageId [0-9]+, which is not outstanding"
begin bad-sig/SESSION_SETUP/2
hmount 60
expect "$name: mount" "$r" EACCES
msg "bad signature"
finish
begin bad-sig/TREE_CONNECT
hmount 60
expect "$name: mount" "$r" EACCES EIO
msg "signature"
finish
case_tcon_twice tcon-twice ENOENT "no share named nosuchshare"
case_tcon_twice tcon-twice-bad EACCES "missing or bad signature"
begin bad-sig/CREATE/2
hmount 60
expect "$name: mount" "$r" OK
try 60 "stat:$m/hello.txt"
expect "$name: stat fails" "$r" "stat EACCES" "stat EIO"
msg "signature"
finish
fails bad-sig/QUERY_DIRECTORY/0 \
	"list:$work/mnt/bad-sig-QUERY_DIRECTORY-0" "EACCES EIO" "signature"
case_bad_sig_read
case_eof_frame eof-frame-sig OK "signs errors to READ over the transport header"
case_eof_frame eof-frame-bad EACCES EIO "missing or bad signature"
case_downgrade dialect-not-offered vers=3.0
case_downgrade sign-alg-0
case_iface_loopback
case_iface_malformed
case_iface_unreachable
case_nlink0
case_nlink_max
case_trans_16k
case_eof_huge
case_ino0
case_ino_dup
fails read-extra "read:$work/mnt/read-extra/hello.txt" "EIO" \
	"refused a READ response: more data than asked for"
fails read-extra-padded "read:$work/mnt/read-extra-padded/hello.txt" "EIO" \
	"refused a READ response: more data than asked for"
case_bind_sessionid
# An ECHO on a newly bound channel answered with an error fails the
# binding: the mount goes on with its first channel alone.
case_channels bind-echo 2 1 "ECHO after binding failed"
case_bind_refuse

case_answer_mid_write
case_zero_credits
case_few_credits
case_create_dir
case_stale_size
case_stale_cached
case_stale_larger
case_stale_link
case_open_listing_race
case_truncate_race
case_append_race
case_chmod_race
case_link_race
case_read_close
case_create_forged
case_write_full
case_read_cut
# One byte per answer: a READ that the server cuts short 32 times fails,
# rather than wait a round trip per byte.
fails read-dribble "read:$work/mnt/read-dribble/hello.txt" EIO \
	"refused a READ response: cut short again and again"
case_write_cut
case_write_none
case_write_gap

case_none seal-none "" AES-128-GCM
case_none seal-none-3.0 vers=3.0 AES-128-CCM
case_seal_vneg
# Every READ spoiled, in each new session too: a failed readahead is read
# again, and the READ fails once its session is gone.
fails seal-bad-tag/READ/0 "read:$work/mnt/seal-bad-tag-READ-0/hello.txt" \
	"EIO EHOSTDOWN ECONNABORTED" "does not decrypt, dropping the connection"
recovers seal-truncated "read:$work/mnt/seal-truncated/hello.txt" \
	"malformed transform header"
fails seal-clear/READ/0 "read:$work/mnt/seal-clear-READ-0/hello.txt" \
	"EACCES EIO" "unencrypted response to encrypted command READ"
# An answer in clear that calls itself an ECHO's answers no READ,
# whatever its status says (an end of file, here).
fails seal-forged-echo "read:$work/mnt/seal-forged-echo/hello.txt" EIO \
	"ECHO response to READ \(MessageId [0-9]+\), refused"
# The replay decrypts, and answers nothing outstanding.
case_works seal-replay \
	"READ response for MessageId [0-9]+, which is not outstanding"
case_seal_echo_clear

# Lease breaks no lease was granted for: ignored, with a message, and a
# storm of them leaves the mount usable. The mounts ask for leases (the
# default), so that the breaks go through its table of leases.
case_works break-unknown "which this mount does not hold"
case_works break-storm "which this mount does not hold"
case_works break-malformed "malformed break notification"
case_seal_break seal-break
case_seal_break seal-break-clear
case_ack_unsigned
case_break_after_close
case_lock_pending
case_lock_replay
case_getlk_replay
case_busy_teardown
case_ifaces_pending
case_pending_sync
case_credits_forged
case_cancel cancel-unsigned \
	"does not sign or encrypt its answer to a cancelled request"
case_cancel seal-cancel-clear
case_cancelled_unasked

case_fid_reuse
case_reopen_drop
case_silent_reconnect
case_close_race
case_close_race_pending
case_split_drop
case_split_replay
case_create_replay
case_dir_replay
case_dir_resend dir-resend 1501 1
case_dir_resend dir-resend-twice 2501 2
case_root_drop
case_tcon_drop
# An interface list of the server's own address and one that refuses the
# connection, as fast: the mount opens its four channels to the one that
# works (before 2026-12-08 every other try went to the refusing one,
# which counted as unused again and again: two channels).
case_channels iface-refused 4 4 "channel [0-9]+ to 198.18.1.2:[0-9]+ failed"
# Twenty addresses no channel may go to listed ahead of the server's own:
# the second channel goes to its own (before 2026-12-08 only the first
# sixteen entries were looked at: no channel).
case_channels iface-many-refused 2 2 \
	"refusing interface 127.0.0.1 from the server's list"
case_mc_gone
case_dir_id_reuse
# Another ServerGuid after a restart (another server, or one that does
# not keep its GUID): a new session as with any, its files checked by
# their file ids when opened again, with a message.
recovers guid-change "read:$work/mnt/guid-change/hello.txt" \
	"came back with another ServerGuid"
# A restart while the second channel binds: that connection is dropped
# too, and a bind to the session the server forgot is refused; the
# READ is answered in a new session all the same.
recovers bind-restart "read:$work/mnt/bind-restart/hello.txt" \
	"ch1: connection lost" max_channels=2
# A server that forgets the session and keeps its connection (one that
# reaps idle sessions): the answer it can no longer sign drops that
# connection, and the READ is answered in a new session.
recovers session-deleted "read:$work/mnt/session-deleted/hello.txt" \
	"READ answered STATUS_USER_SESSION_DELETED: the server no longer has the session"

# Durable handles, asked for with the leases: a malformed DH2Q answer is
# not believed, and the file opens as an ordinary one; a server that
# refuses the reclaim (DH2C) after the connection dropped has the file
# opened by name in the new session.
case_works dh2q-malformed "durable handle context malformed"
recovers dh2c-refused "read:$work/mnt/dh2c-refused/hello.txt" \
	"hello.txt: durable handle not reclaimed"
case_ca_restart
case_ca_break
case_link_restart
case_close_late

# Last: their calls keep the CPU busy for 45 s each, which the time
# limits of the cases before them need.
case_fuzz seal-fuzz
case_fuzz fuzz

wait "$bg1" "$bg2" "$bg3" "$bg4" "$bg5" "$bg6" "$bg7" "$bg8" "$bg9" "$bg10" \
	"$bg11" "$bg12" "$bg13" "$bg14" "$bg15"

# Replay the records as TAP, case by case.
for c in "${cases[@]}"; do
	f=$work/rec.$(echo "$c" | tr / -)
	[ -f "$f" ] || { fail "$c: ran" "no records"; continue; }
	while IFS=$'\t' read -r kind desc diag; do
		case $kind in
		ok) ok "$desc" ;;
		fail) fail "$desc" "$diag" ;;
		esac
	done <"$f"
done

check "Samba mount still works" grep -qx "smb3mc beside the hostile server" \
	"$samba/t50.txt"
rm -f "$samba/t50.txt"
check "umount the Samba mount" umount "$samba"
for p in "${pids[@]}"; do
	kill "$p" 2>/dev/null
done
wait
pids=()
check "nothing left mounted" sh -c "! grep smb3mc /proc/mounts"
check "rmmod smb3mc" rmmod smb3mc
