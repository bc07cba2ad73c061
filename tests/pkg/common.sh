# SPDX-License-Identifier: GPL-2.0
#
# Shared by the packaging scripts: the tree's top, its version, and
# installing missing Debian packages the way the project's scripts do.

top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$top/VERSION")

# need_pkgs PKG...: apt-get install the ones not installed yet.
need_pkgs() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 $missing </dev/null
}

# in_checkout: $top is a git checkout, not a tree unpacked from a tarball.
in_checkout() {
	[ -e "$top/.git" ]
}

# source_date: the time, in seconds since the epoch, that the tarball's
# files and debian/changelog carry: SOURCE_DATE_EPOCH if set, else the
# last commit's in a checkout, else that of MANIFEST in an unpacked
# tarball (dist.sh gave every file the source date).
source_date() {
	if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
		echo "$SOURCE_DATE_EPOCH"
	elif in_checkout; then
		git -C "$top" log -1 --format=%ct
	else
		stat -c %Y "$top/MANIFEST"
	fi
}

# unpack_dist DIR: make dist, then unpack its tarball into DIR, so that
# the packages are built from exactly the release tarball's files.
unpack_dist() {
	tarball=$("$top/tests/pkg/dist.sh")
	mkdir -p "$1"
	tar -C "$1" -xzf "$tarball"
}
