# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The guest kernel's ksmbd, for the guest's setup (tests/lib/vm-guest.sh)
# and the tests that restart the server (tests/lib/outage.sh): its user
# space as tests/lib/deps.sh unpacked it, the configuration in
# $KSMBD_DIR.

KSMBD_TOOLS=/var/cache/smb3mc/ksmbd-tools-bookworm-backports
KSMBD_LIB=$KSMBD_TOOLS/lib/x86_64-linux-gnu

# ksmbd_tool mountd ARGS runs ksmbd.mountd.
ksmbd_tool() { # tool args...
	local t=$1
	shift
	LD_LIBRARY_PATH=$KSMBD_LIB "$KSMBD_TOOLS/usr/sbin/ksmbd.$t" "$@"
}

# ksmbd.mountd brings the kernel's server up and answers its questions
# (users, shares) over netlink; both live in the root network namespace,
# which is $SRV_NS with ksmbd. nsenter, not ip netns exec: no mount
# namespace of its own that would keep the tests' mounts. Without the
# descriptors the tests hold open (6 to 9).
ksmbd_start() {
	nsenter --net="/run/netns/$SRV_NS" env LD_LIBRARY_PATH="$KSMBD_LIB" \
		"$KSMBD_TOOLS/usr/sbin/ksmbd.mountd" -n \
		-C "$KSMBD_DIR/ksmbd.conf" -P "$KSMBD_DIR/ksmbdpwd.db" \
		>>"$KSMBD_DIR/mountd.log" 2>&1 6<&- 7<&- 8<&- 9<&- &
}

# ksmbd listens on each of the $LINKS links: a socket bound to the link's
# device, with no address of its own.
ksmbd_listening() {
	[ "$(ip netns exec "$SRV_NS" ss -Hltn "sport = :445" | wc -l)" = "$LINKS" ]
}

# ksmbd.control --shutdown: ends ksmbd.mountd and has the kernel drop
# every connection and stop listening (kill_server); ksmbd_start brings
# it back with no session of before. Durable handles stay: they live in
# the module.
ksmbd_stop() {
	ksmbd_tool control --shutdown >>"$KSMBD_DIR/mountd.log" 2>&1
}
