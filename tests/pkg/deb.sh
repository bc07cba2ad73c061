#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build smb3mc-dkms and smb3mc-utils from the release tarball
# (make dist) unpacked in build/deb/, leave the .debs there (with the
# source package, smb3mc_<version>.dsc, for lintian) and print their
# paths.
set -eu
. "$(dirname "$0")/common.sh"

need_pkgs dpkg-dev debhelper dh-dkms libkmod-dev pkg-config gcc make

out=$top/build/deb
srcdir=$out/smb3mc-$version
rm -rf "$out"
unpack_dist "$out"

# debian/changelog carries the version dpkg uses; write it from VERSION
# so the number lives in one place. The date is the source date (the
# last commit's), so rebuilding the same source gives the same package.
date=$(LC_ALL=C date -u -R -d "@$(source_date)")
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date/" \
	"$srcdir/debian/changelog.in" >"$srcdir/debian/changelog"

# The source package too, from the still clean copy, for lintian.
(cd "$out" && dpkg-source -b "smb3mc-$version") >"$out/source.log" 2>&1 || {
	cat "$out/source.log" >&2
	exit 1
}
(cd "$srcdir" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed, see $out/build.log" >&2
	exit 1
}
ls "$out"/*.deb
