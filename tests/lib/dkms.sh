#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/lib/dkms.sh install|uninstall VERSION
#
# What `make install` and `make uninstall` run: put the module source in
# /usr/src/smb3mc-VERSION and have DKMS build and install it, or remove
# it again. KVER (one kernel or a space-separated list) picks the
# kernels; by default the running kernel, or, when it has no headers
# (a container or a chroot), every kernel in /lib/modules that has them,
# as the Debian DKMS packages do.
set -eu

die() {
	echo "dkms.sh: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: $0 install|uninstall VERSION"
action=$1
version=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
src=/usr/src/smb3mc-$version

[ "$(id -u)" -eq 0 ] || die "must run as root"

if ! command -v dkms >/dev/null; then
	command -v apt-get >/dev/null || die "dkms is not installed"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends dkms </dev/null
fi

# Leave a source tree that the smb3mc-dkms package owns to dpkg.
if command -v dpkg >/dev/null && dpkg -S "$src" >/dev/null 2>&1; then
	die "$src belongs to a package ($(dpkg -S "$src" | cut -d: -f1)); use apt to change it"
fi

kernels() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
	elif [ -d "/lib/modules/$(uname -r)/build" ]; then
		uname -r
	else
		echo "dkms.sh: no headers for the running kernel $(uname -r); building for every kernel with headers" >&2
		ls -d /lib/modules/*/build 2>/dev/null |
			sed 's|/lib/modules/||; s|/build$||'
	fi
}

# dkms status lists the module once it was added.
remove_old() {
	if [ -n "$(dkms status "smb3mc/$version" 2>/dev/null)" ]; then
		dkms remove "smb3mc/$version" --all
	fi
}

case $action in
install)
	remove_old
	rm -rf "$src"
	mkdir -p "$src"
	cp -R "$top/Makefile" "$top/VERSION" "$top/src" "$src/"
	sed "s/#MODULE_VERSION#/$version/" "$top/dkms.conf" >"$src/dkms.conf"
	dkms add "smb3mc/$version"
	list=$(kernels)
	[ -n "$list" ] || die "no kernel headers installed"
	for k in $list; do
		dkms install "smb3mc/$version" -k "$k"
	done
	dkms status smb3mc
	;;
uninstall)
	remove_old
	rm -rf "$src"
	;;
*)
	die "usage: $0 install|uninstall VERSION"
	;;
esac
