#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make rpm: build dkms-smb3mc and smb3mc-utils with rpmbuild -bb from a
# tarball of the checkout's tracked files, all in build/rpm/, and print
# the paths of the .rpm files.
set -eu
. "$(dirname "$0")/common.sh"

need_pkgs rpm gcc make libkmod-dev pkg-config

out=$top/build/rpm
rm -rf "$out"
mkdir -p "$out/SOURCES" "$out/tree"
copy_tree "$out/tree/smb3mc-$version"
tar -C "$out/tree" -czf "$out/SOURCES/smb3mc-$version.tar.gz" \
	"smb3mc-$version"
rm -rf "$out/tree"

# --nodeps: see rpm/smb3mc.spec.
rpmbuild -bb --nodeps \
	--define "_topdir $out" \
	--define "smb3mc_version $version" \
	"$top/rpm/smb3mc.spec" >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "rpm.sh: rpmbuild failed, see $out/build.log" >&2
	exit 1
}
find "$out/RPMS" -name '*.rpm' | sort
