#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make rpm: build dkms-smb3mc and smb3mc-utils with rpmbuild -bb from the
# release tarball (make dist), all in build/rpm/, and print the paths of
# the .rpm files.
set -eu
. "$(dirname "$0")/common.sh"

need_pkgs rpm gcc make libkmod-dev pkg-config

out=$top/build/rpm
rm -rf "$out"
mkdir -p "$out/SOURCES"
tarball=$("$top/tests/pkg/dist.sh")
cp "$tarball" "$out/SOURCES/"

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
