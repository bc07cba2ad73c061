#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make dist: the release tarball build/dist/smb3mc-<version>.tar.gz, all
# under smb3mc-<version>/: rpm/smb3mc.spec's Source0, and what a Debian
# smb3mc_<version>.orig.tar.gz is. Prints its path.
#
# Its files: in a git checkout, the tracked and new (not ignored) files
# as they are in the work tree; in a tree unpacked from such a tarball,
# the files listed in its MANIFEST, which dist writes. Git's ignore rules
# are the one exact account of what is source and what a build product,
# and without git nothing reads them faithfully (GNU tar's
# --exclude-vcs-ignores packs /build/), so the tarball carries git's
# answer with it. A file added to an unpacked tree goes into MANIFEST.
#
# Reproducible: names sorted, owner root, modes 0644 or 0755 (umask
# aside), every mtime the source date (common.sh), gzip without a name or
# time; `make dist` in the unpacked tarball gives the same bytes.
set -eu
. "$(dirname "$0")/common.sh"

die() {
	echo "dist.sh: $*" >&2
	exit 1
}

name=smb3mc-$version
out=$top/build/dist
stage=$out/$name
rm -rf "$out"
mkdir -p "$stage"

if in_checkout; then
	[ -z "$(git -C "$top" status --porcelain)" ] ||
		echo "dist.sh: the work tree has changes not committed; the tarball has them" >&2
	(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
		tr '\0' '\n' | grep -vx MANIFEST |
		while IFS= read -r f; do
			# a tracked file deleted from the work tree
			[ -e "$top/$f" ] && printf '%s\n' "$f"
		done >"$out/files"
elif [ -f "$top/MANIFEST" ]; then
	grep -vx MANIFEST "$top/MANIFEST" >"$out/files"
	while IFS= read -r f; do
		[ -e "$top/$f" ] || die "MANIFEST lists $f, which is missing"
	done <"$out/files"
else
	die "$top has neither .git nor MANIFEST: it packs a git checkout" \
		"or a tree from its own tarball (a git archive has no MANIFEST)"
fi

echo MANIFEST >>"$out/files"
LC_ALL=C sort -o "$out/files" "$out/files"
grep -vx MANIFEST "$out/files" | (cd "$top" && tar -cf - -T -) |
	tar -C "$stage" -xf -
cp "$out/files" "$stage/MANIFEST"
rm "$out/files"

tar -C "$out" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
	--mode=u=rwX,go=rX --mtime="@$(source_date)" -cf - "$name" |
	gzip -9n >"$out/$name.tar.gz"
rm -rf "$stage"
echo "$out/$name.tar.gz"
