#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test guest (started by the initramfs of vm-initramfs.sh).
# The root is the host's, read-only over 9p; everything written goes to tmpfs
# or to the results share on /tmp/results, where tests/run left env.sh and
# reads back one <test>.tap/.err/.rc/.time per test, dmesg.txt and done.
# Network: namespace "srv" runs the server, Samba or ksmbd ($SERVER), and
# "cli" the tests; link i is a veth pair with 198.18.i.1/24 in cli and
# 198.18.i.2/24 in srv. One of the two is the root namespace (setup_netns).
# Nothing else is reachable.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8 HOME=/tmp TERM=dumb
umask 022

res=/tmp/results
# shellcheck source=/dev/null
. $res/env.sh
# shellcheck source=tests/lib/time_limit.sh
. "$REPO/tests/lib/time_limit.sh"
# shellcheck source=tests/lib/ksmbd.sh
. "$REPO/tests/lib/ksmbd.sh"

# The sanitizer kernel (tests/run --kernel debug) has its modules index
# elsewhere, and kmemleak scans after each step (kmemleak_scan).
[ -z "${MODULES:-}" ] || mount --bind "$MODULES" /lib/modules
[ -z "${KMEMLEAK:-}" ] || mount -t debugfs debugfs /sys/kernel/debug

KVER=$(uname -r)
export SMB3MC_KO KVER LINKS RATE REPO SERVER RESULTS_DIR=$res
export SRV_NS=srv CLI_NS=cli SRV_IP=198.18.1.2 SMB_USER=smbtest SMB_PASS=smbtest-Pa55
export SHARE=share RO_SHARE=ro SRV_SHARE_DIR=/tmp/srv/share SRV_RO_DIR=/tmp/srv/ro
export ENC_SHARE=enc ENC_DESIRED_SHARE=enc-desired SMB_CONF=/tmp/samba/smb.conf
export DUR_SHARE=durable KSMBD_DIR=/tmp/ksmbd
SRV_IPS=
for i in $(seq "$LINKS"); do
	SRV_IPS="$SRV_IPS 198.18.$i.2"
done
SRV_IPS=${SRV_IPS# }
export SRV_IPS

# "50mbit" -> bits per second (tc's units), for tbf and Samba's speed hint.
bps() {
	local n=${1%%[a-zA-Z]*}
	case ${1#"$n"} in
	gbit) echo $((n * 1000000000)) ;;
	mbit) echo $((n * 1000000)) ;;
	kbit) echo $((n * 1000)) ;;
	*) echo "$n" ;;
	esac
}

# Rate of link $1 from RATE (one value for all links, or one per link).
link_rate() {
	local -a r
	IFS=, read -r -a r <<<"$RATE"
	if [ "${#r[@]}" -gt 1 ]; then
		echo "${r[$1 - 1]}"
	else
		echo "${r[0]:-}"
	fi
}

setup_user() {
	# /etc is read-only: bind edited copies of the account files over it.
	mkdir -p /tmp/etc
	for f in passwd group shadow; do
		cp /etc/$f /tmp/etc/$f
	done
	echo "$SMB_USER:x:1500:1500:smb3mc test:/tmp:/usr/sbin/nologin" >>/tmp/etc/passwd
	echo "$SMB_USER:x:1500:" >>/tmp/etc/group
	echo "$SMB_USER:!:19000:0:99999:7:::" >>/tmp/etc/shadow
	for f in passwd group shadow; do
		mount --bind /tmp/etc/$f /etc/$f || return 1
	done
}

# Samba serves from a namespace of its own to a client in the root
# namespace. ksmbd can serve only from the root namespace: its requests to
# ksmbd.mountd go to netlink sockets there, its answer to
# FSCTL_QUERY_NETWORK_INTERFACE_INFO lists the interfaces there, and it
# makes its listening sockets in the namespace of the task that brings a
# link up, a kernel worker for the links already up when it starts. With
# ksmbd the client moves to a namespace of its own. Either way both names
# work with ip -n and ip netns exec, and the tests run in $CLI_NS.
setup_netns() {
	if [ "$SERVER" = ksmbd ]; then
		ip netns add $CLI_NS && ip netns attach $SRV_NS $$
	else
		ip netns add $SRV_NS && ip netns attach $CLI_NS $$
	fi
}

# One ip/tc batch per namespace: every exec costs a second under TCG.
setup_net() {
	local i r b c=/tmp/net-client s=/tmp/net-srv
	echo "link set lo up" >$c
	echo "link set lo up" >$s
	: >$c.tc
	: >$s.tc
	for i in $(seq "$LINKS"); do
		printf '%s\n' "link add veth$i type veth peer name sveth$i netns $SRV_NS" \
			"addr add 198.18.$i.1/24 dev veth$i" "link set veth$i up" >>$c
		printf '%s\n' "addr add 198.18.$i.2/24 dev sveth$i" \
			"link set sveth$i up" >>$s
		r=$(link_rate "$i")
		[ -n "$r" ] || continue
		# Burst of 10 ms worth of data, at least 32 KiB, so tbf reaches its rate.
		b=$(($(bps "$r") / 800))
		[ "$b" -ge 32768 ] || b=32768
		echo "qdisc add dev veth$i root tbf rate $r burst $b latency 100ms" >>$c.tc
		echo "qdisc add dev sveth$i root tbf rate $r burst $b latency 100ms" >>$s.tc
	done
	setup_netns &&
		ip -n $CLI_NS -batch $c &&
		ip -n $SRV_NS -batch $s || return 1
	if [ -s $c.tc ]; then
		tc -n $CLI_NS -batch $c.tc && tc -n $SRV_NS -batch $s.tc || return 1
	fi
}

setup_shares() {
	mkdir -p $SRV_SHARE_DIR $SRV_RO_DIR
	chmod 0777 $SRV_SHARE_DIR
	echo "smb3mc read-only share" >$SRV_RO_DIR/hello.txt
}

setup_samba() {
	local i r ifaces=
	for i in $(seq "$LINKS"); do
		r=$(link_rate "$i")
		ifaces="$ifaces \"198.18.$i.2;speed=$(bps "${r:-1gbit}")\""
	done
	mkdir -p /tmp/samba/{private,lock,state,cache,run,ncalrpc}
	setup_shares
	cat >$SMB_CONF <<EOF
[global]
	server role = standalone server
	workgroup = WORKGROUP
	netbios name = SMB3MCSRV
	disable netbios = yes
	smb ports = 445
	server min protocol = SMB3_00
	server multi channel support = yes
	interfaces =$ifaces
	bind interfaces only = yes
	private dir = /tmp/samba/private
	lock directory = /tmp/samba/lock
	state directory = /tmp/samba/state
	cache directory = /tmp/samba/cache
	pid directory = /tmp/samba/run
	ncalrpc dir = /tmp/samba/ncalrpc
	log file = /tmp/samba/log.%m
	log level = 1
	passdb backend = tdbsam
	map to guest = never
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
[$SHARE]
	path = $SRV_SHARE_DIR
	read only = no
[$RO_SHARE]
	path = $SRV_RO_DIR
	read only = yes
[$DUR_SHARE]
	path = $SRV_SHARE_DIR
	read only = no
	durable handles = yes
	kernel oplocks = no
	kernel share modes = no
	posix locking = no
[$ENC_SHARE]
	path = $SRV_SHARE_DIR
	read only = no
	smb encrypt = required
[$ENC_DESIRED_SHARE]
	path = $SRV_SHARE_DIR
	read only = no
	smb encrypt = desired
EOF
	# Both load all of Samba's libraries, seconds under TCG: in parallel.
	printf '%s\n%s\n' "$SMB_PASS" "$SMB_PASS" |
		smbpasswd -c $SMB_CONF -a -s "$SMB_USER" >/dev/null &
	ip netns exec $SRV_NS smbd -D -s $SMB_CONF && wait $! || return 1
	for _ in $(seq 100); do
		ip netns exec $SRV_NS ss -Hltn "sport = :445" | grep -q "$SRV_IP:445" &&
			return 0
		sleep 0.2
	done
	return 1
}

# ksmbd with Samba's share names and paths, but no share of its own that
# requires encryption: ksmbd-tools has that only for all shares
# ("smb3 encryption", global).
setup_ksmbd() {
	local i ifaces=
	for i in $(seq "$LINKS"); do
		ifaces="$ifaces sveth$i"
	done
	mkdir -p $KSMBD_DIR
	setup_shares
	cat >$KSMBD_DIR/ksmbd.conf <<EOF
[global]
	workgroup = WORKGROUP
	netbios name = SMB3MCSRV
	server min protocol = SMB3_00
	server multi channel support = yes
	smb2 leases = yes
	durable handles = yes
	interfaces =$ifaces
	bind interfaces only = yes
	map to guest = never
[$SHARE]
	path = $SRV_SHARE_DIR
	read only = no
[$RO_SHARE]
	path = $SRV_RO_DIR
	read only = yes
EOF
	ksmbd_tool adduser -C $KSMBD_DIR/ksmbd.conf -P $KSMBD_DIR/ksmbdpwd.db \
		-a -p "$SMB_PASS" "$SMB_USER" >/dev/null &&
		modprobe ksmbd || return 1
	ksmbd_start
	for _ in $(seq 100); do
		ksmbd_listening && return 0
		sleep 0.2
	done
	return 1
}

# Marks in the kernel log tie its messages to the step that caused them.
mark() {
	echo "smb3mc guest: $*" >/dev/kmsg
}

# Leaks since the last scan into $res/<step>.kmemleak, then forgotten.
# kmemleak skips objects younger than 5 s, and those whose contents changed
# since its last scan: two scans, or a leak would be charged to the next step.
kmemleak_scan() { # step
	local k=/sys/kernel/debug/kmemleak
	[ -n "${KMEMLEAK:-}" ] || return 0
	mark "kmemleak scan after $1"
	sleep 5
	{ echo scan >$k && echo scan >$k && cat $k && echo clear >$k; } \
		>"$res/$1.kmemleak" 2>&1 ||
		echo "kmemleak: scan failed" >>"$res/$1.kmemleak"
}

run_setup() {
	# shellcheck source=tests/lib/tap.sh
	. "$REPO/tests/lib/tap.sh"
	hostname smb3mc-guest
	mark "setup"
	check "test user $SMB_USER added" setup_user
	mark "setup network"
	check "$LINKS veth link(s) from netns $CLI_NS to $SRV_NS${RATE:+ at $RATE}" setup_net
	mark "setup $SERVER"
	if [ "$SERVER" = ksmbd ]; then
		check "ksmbd listening on port 445 of each link" setup_ksmbd
	else
		check "smbd listening on $SRV_IP:445" setup_samba
	fi
}

t0=$SECONDS
(run_setup) >$res/setup.tap 2>$res/setup.err
echo $? >$res/setup.rc
echo $((SECONDS - t0)) >$res/setup.time
kmemleak_scan setup

mkdir -p /tmp/work
for t in $TESTS; do
	name=$(basename "$t" .sh)
	mark "running $name"
	limit=$(time_limit "$t" "$TEST_TIMEOUT")
	t0=$SECONDS
	(cd /tmp/work && exec nsenter --net=/run/netns/$CLI_NS \
		timeout -k 10 "$limit" bash "$t") \
		</dev/null >"$res/$name.tap" 2>"$res/$name.err"
	echo $? >"$res/$name.rc"
	echo $((SECONDS - t0)) >"$res/$name.time"
	kmemleak_scan "$name"
done

dmesg >$res/dmesg.txt
for f in /tmp/samba/log.*; do
	[ ! -e "$f" ] || cp "$f" "$res/samba-${f##*/}"
done
[ ! -e $KSMBD_DIR/mountd.log ] || cp $KSMBD_DIR/mountd.log "$res/ksmbd-mountd.log"
touch $res/done
sync
umount $res
echo o >/proc/sysrq-trigger
sleep 60
