#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: tests/lib/checkpatch.sh [FILE...]
#
# Runs the kernel's scripts/checkpatch.pl (from Debian's linux-source-6.1,
# extracted once into the cache) on the module and its KUnit suites, or on
# the FILEs given. The mount helper is userspace code: kernel style, but
# not the kernel's API advice, so it is not checked here. Prints one TAP line per file and
# "N passed, N failed".
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SMB3MC_CACHE:-/var/cache/smb3mc}
tarball=/usr/src/linux-source-6.1.tar.xz
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || {
	echo "checkpatch: linux-source-6.1 is not installed" >&2
	exit 1
}
dir=$cache/checkpatch-$ver

if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	tmp=$(mktemp -d "$cache/checkpatch.XXXXXX") || exit 1
	tar -xJf "$tarball" -C "$tmp" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || exit 1
	rm -rf "$dir"
	mv "$tmp" "$dir"
fi

if [ $# -eq 0 ]; then
	set -- "$repo"/src/*.[ch] "$repo"/kunit/*.c
fi
passed=0 failed=0
for f in "$@"; do
	[ -f "$f" ] || continue
	# A file of the tree, not a patch; no kernel tree around it. The
	# compat header is the one place where version checks belong.
	ignore=FILE_PATH_CHANGES
	case $f in
	*/compat.h) ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
	esac
	if out=$("$dir/scripts/checkpatch.pl" --no-tree --quiet \
		--ignore "$ignore" -f "$f" 2>&1); then
		echo "ok - checkpatch ${f#"$repo"/}"
		passed=$((passed + 1))
	else
		echo "not ok - checkpatch ${f#"$repo"/}"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
