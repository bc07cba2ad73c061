#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Twenty restarts in a row: smbd is killed (SIGKILL), or ksmbd shut
# down, and started again a second later, twenty times, while a writer,
# a reader and a process churning names run on a mount with four
# channels. After each restart the four channels come back and all three
# go on; none of them sees an error, every file the writer closed has its
# bytes on the server, every read (O_DIRECT, so from the server) has the
# file's bytes, the names end as the churn left them, and the module
# unloads (with --kernel debug, kmemleak scans after the test). Four
# links, unshaped:  tests/run --links 4 t49
# Time limit: 480 s (it took 267 s and 286 s one guest at a time,
# 2026-12-06; 295 s and 301 s beside the other kernel's guest in the
# fresh-clone run of 947dcdf, 2026-12-07, where 6.1's hit the default
# 300 s before its rmmod).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/outage.sh
. "$(dirname "$0")/../lib/outage.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"

cycles=20
mnt=/tmp/mnt/churn
dir=$mnt/churn
srvdir=$SRV_SHARE_DIR/churn
work=/tmp/work/churn
stop=$work/stop
mkdir -p $mnt $work
rm -rf "$srvdir" "${work:?}"/*
mkdir "$srvdir"
chmod a+rwx "$srvdir"
opts="username=$SMB_USER,password=$SMB_PASS,max_channels=4,echo_interval=3"
# Three contents for the writer's files: consecutive writes of a file
# differ. The reader's file, 4 MiB.
for p in 0 1 2; do
	dd if=/dev/urandom of=$work/pat.$p bs=256K count=1 status=none
done
dd if=/dev/urandom of="$srvdir/r.bin" bs=1M count=4 status=none
chmod a+rw "$srvdir/r.bin"
rsum=$(sha256sum <"$srvdir/r.bin" | cut -d' ' -f1)
for l in writer reader churn; do
	: >$work/$l.ok
	: >$work/$l.err
done
# The writer's files exist from the start: its copies only overwrite
# them (creating is the churn's, see the end).
for s in 0 1 2 3 4 5 6 7; do
	cp $work/pat.0 "$srvdir/w.$s"
	chmod a+rw "$srvdir/w.$s"
done

# Each loop appends a line to $work/NAME.ok for every round that worked
# and to $work/NAME.err for every one that did not, until $stop exists.
# A failure is marked in the kernel log too, with the loop's last error,
# to be found beside the client's messages.
failed() { # loop what
	echo "$2" >>$work/"$1".err
	mark "$1 round $2 failed: $(tail -n 1 $work/"$1".log)"
}
# The writer: file w.(n % 8) gets pat.(n % 3); the server's copy is
# compared once the copy closed it.
writer() {
	local n=0 f
	until [ -e $stop ]; do
		n=$((n + 1)) f=w.$((n % 8))
		if ! cp $work/pat.$((n % 3)) $dir/$f 2>>$work/writer.log; then
			failed writer "$n cp"
		elif ! cmp -s $work/pat.$((n % 3)) "$srvdir/$f"; then
			failed writer "$n mismatch"
		else
			echo "$n" >>$work/writer.ok
		fi
	done
}
reader() {
	local n=0 sum
	set -o pipefail
	until [ -e $stop ]; do
		n=$((n + 1))
		if ! sum=$(dd if=$dir/r.bin iflag=direct bs=1M status=none \
			2>>$work/reader.log | sha256sum | cut -d' ' -f1); then
			failed reader "$n dd"
		elif [ "$sum" != "$rsum" ]; then
			failed reader "$n mismatch"
		else
			echo "$n" >>$work/reader.ok
		fi
	done
}
# Directory d.(n % 4) is made, gets a file that is renamed, read and
# removed, and is removed. A round whose mkdir or create found its name
# there is told apart ("exists"): see the end.
churn() {
	local n=0 d
	until [ -e $stop ]; do
		n=$((n + 1)) d=$dir/d.$((n % 4))
		if { mkdir $d && echo $n >$d/a && mv $d/a $d/b &&
			[ "$(cat $d/b)" = $n ] && rm $d/b && rmdir $d; } \
			2>$work/round.log; then
			echo "$n" >>$work/churn.ok
			continue
		fi
		cat $work/round.log >>$work/churn.log
		if grep -q 'File exists' $work/round.log; then
			failed churn "$n exists"
		else
			failed churn "$n"
		fi
		# Not to fail the next rounds of that name too.
		rm -rf $d
	done
}
rounds() { wc -l <$work/"$1".ok; }
errors() { wc -l <$work/"$1".err; }
# Every loop did more rounds than in the list $1 ("writer reader churn").
went_on() {
	local w r c
	read -r w r c <<<"$1"
	[ "$(rounds writer)" -gt "$w" ] && [ "$(rounds reader)" -gt "$r" ] &&
		[ "$(rounds churn)" -gt "$c" ]
}
all_rounds() { echo "$(rounds writer) $(rounds reader) $(rounds churn)"; }

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount (hard, the default) with max_channels=4" \
	mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
check "4 channels good" wait_for 30 all_good

writer &
pids=$!
reader &
pids+=" $!"
churn &
pids+=" $!"
check "writer, reader and churn run" wait_for 60 went_on "0 0 0"

# Each cycle: the server gone, a second, the server again, the four channels good, and
# every loop one more round.
done_cycles=0 worst=0 why=
for c in $(seq $cycles); do
	mark "restart $c"
	server_kill || { why="the server not stopped"; break; }
	sleep 1
	was=$(all_rounds)
	server_start || { why="the server did not start"; break; }
	t0=$SECONDS
	wait_for 60 all_good || { why="4 channels not good again"; break; }
	wait_for 60 went_on "$was" ||
		{ why="a loop did not go on: rounds $was, then $(all_rounds)"; break; }
	[ $((SECONDS - t0)) -le $worst ] || worst=$((SECONDS - t0))
	done_cycles=$c
done
if [ $done_cycles -eq $cycles ]; then
	ok "$cycles restarts: each time 4 channels good again and every loop went on (the slowest in $worst s)"
else
	echo w >/proc/sysrq-trigger
	fail "$cycles restarts: each time 4 channels good again and every loop went on" \
		"restart $((done_cycles + 1)): $why" "$(debugdata)" \
		"$(dmesg | grep -A25 'task:.*state:D' | head -n 120)"
fi

touch $stop
ended_all() {
	local p
	for p in $pids; do ended "$p" || return 1; done
}
if wait_for 60 ended_all; then
	ok "the three loops stopped"
else
	echo w >/proc/sysrq-trigger
	fail "the three loops stopped" \
		"$(dmesg | grep -A25 'task:.*state:D' | head -n 120)"
	# shellcheck disable=SC2086
	kill -9 $pids
fi
# shellcheck disable=SC2086
wait $pids 2>/dev/null
diag "rounds: writer $(rounds writer), reader $(rounds reader), churn $(rounds churn)"
for l in writer reader churn; do
	[ "$(errors $l)" -eq 0 ] ||
		diag "$(head -n 5 $work/$l.err)" "$(head -n 5 $work/$l.log)"
done
expect_eq "writer: no round failed" "$(errors writer)" 0
expect_eq "reader: no round failed" "$(errors reader)" 0
# The rounds that failed otherwise, and every failed round's messages:
# what CI prints of a failure is this check's own output.
others=$(grep -v ' exists$' $work/churn.err | paste -sd ' ')
if [ -z "$others" ]; then
	ok "churn: no round failed, but for a create that found its name"
else
	fail "churn: no round failed, but for a create that found its name" \
		"rounds: $others" "$(tail -n 20 $work/churn.log)"
fi
# The server made the file or directory and was killed before it
# answered: the CREATE goes out again in the new session and finds it
# there. Without persistent handles nothing tells it from another
# client's.
todo "churn: no create found its name" \
	"a CREATE the server ran before it was killed is sent again and finds its file" \
	test "$(grep -c ' exists$' $work/churn.err)" -eq 0

# What the loops left, read through the mount and on the server.
echo 3 >/proc/sys/vm/drop_caches
bad=
for s in 0 1 2 3 4 5 6 7; do
	n=$(awk -v s=$s '$1 % 8 == s { n = $1 } END { print n }' $work/writer.ok)
	[ -n "$n" ] || continue
	cmp -s $work/pat.$((n % 3)) $dir/w.$s || bad+=" w.$s"
done
expect_eq "each writer's file reads back as its last copy" "${bad:-none}" none
expect_eq "the churn's names are gone, on the mount and the server" \
	"$(find $dir -name 'd.*' | wc -l) $(find "$srvdir" -name 'd.*' | wc -l)" "0 0"
check "umount" umount $mnt
check "the server started again, without the mount" server_restart
# smbd's processes had copies of the mount: it ends once they are gone.
check "rmmod smb3mc" wait_for 20 rmmod smb3mc
rm -rf "$srvdir" "$work"
