# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Without --rate the links run at TCG speed: shape_links gives each of the
# four links a 50 Mbit/s tbf both ways, for a copy to last seconds, and
# unshape_links takes off what it added. With --rate, tests/run shaped
# them already and both do nothing.
shaped=
shape_links() {
	local i
	[ -z "$RATE" ] || return 0
	shaped=1
	for i in 1 2 3 4; do
		tc qdisc add dev "veth$i" root tbf rate 50mbit burst 62500 latency 100ms
		ip netns exec "$SRV_NS" tc qdisc add dev "sveth$i" root tbf rate 50mbit burst 62500 latency 100ms
	done
}
unshape_links() {
	local i
	[ -n "$shaped" ] || return 0
	for i in 1 2 3 4; do
		tc qdisc del dev "veth$i" root
		ip netns exec "$SRV_NS" tc qdisc del dev "sveth$i" root
	done
}
