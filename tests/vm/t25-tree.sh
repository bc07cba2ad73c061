#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A tree of small files: 2,000 files in 20 directories (T25_TREE_DIRS of
# 100 files each) copied onto the mount with a tar pipe, then compared
# with what the server got: the number of files and every checksum, and
# the number of files the mount lists.
#
# Time under TCG: the copy takes one to three minutes on this host, two
# CREATE round trips, a WRITE and a CLOSE per file; every fork costs
# milliseconds, so the tree is made, and each side checksummed, by one
# process.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/debugdata.sh
. "$(dirname "$0")/../lib/debugdata.sh"

mnt=/tmp/mnt/t25
srv=$SRV_SHARE_DIR/t25
tree=/tmp/work/tree
dirs=${T25_TREE_DIRS:-20}
nfiles=$((dirs * 100))
# Of SMB3MC_TEST_TIMEOUT (300 s), the rest of the script takes some 20 s.
budget=240
mkdir -p $mnt

# "<md5>  <path>" of every file under $1, sorted, and a last line with
# their number.
sums() {
	python3 - "$1" <<'EOF'
import hashlib, os, sys

top = sys.argv[1]
out = []
for d, _, files in os.walk(top):
    for f in files:
        p = os.path.join(d, f)
        with open(p, "rb") as fh:
            out.append(f"{hashlib.md5(fh.read()).hexdigest()}  "
                       f"{os.path.relpath(p, top)}")
out.sort(key=lambda l: l[34:])
print("\n".join(out))
print(f"{len(out)} files")
EOF
}

# Sizes from 0 to 9,000 bytes: most fit one page, some span three.
python3 - "$tree" "$dirs" <<'EOF'
import os, random, sys

tree, dirs = sys.argv[1], int(sys.argv[2])
for d in range(dirs):
    os.makedirs(f"{tree}/d{d:02d}")
    for f in range(100):
        with open(f"{tree}/d{d:02d}/f{f:02d}", "wb") as fh:
            fh.write(os.urandom(random.randrange(9000)))
EOF
sums $tree >/tmp/work/t25.local

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount smb3mc" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt \
	-o "username=$SMB_USER,password=$SMB_PASS"
mkdir -p "$srv"
chmod 0777 "$srv"

# -m: the times are not compared, and setting them is a round trip more
# per file. A copy cut short by the budget still leaves a plan and the
# count of what arrived.
r0=$(requests)
t0=$(date +%s.%N)
check "copy $nfiles files onto the mount (tar pipe, at most $budget s)" \
	timeout $budget bash -c \
	"set -o pipefail; tar -C $tree -cf - . | tar -C $mnt/t25 -xmf -"
t1=$(date +%s.%N)
r1=$(requests)
diag "$(awk "BEGIN { d = $t1 - $t0; printf \"copied in %.1f s, %.0f files/s\", d, $nfiles / d }")"
diag "$((r1 - r0)) SMB requests, $(((r1 - r0) * 10 / nfiles / 10)).$(((r1 - r0) * 10 / nfiles % 10)) per file"

sums "$srv" >/tmp/work/t25.srv
check "the server has $nfiles files with the same checksums" \
	diff /tmp/work/t25.local /tmp/work/t25.srv
n=$(find $mnt/t25 -type f | wc -l)
if [ "$n" = "$nfiles" ]; then
	ok "the mount lists $nfiles files"
else
	fail "the mount lists $nfiles files" "it lists $n"
fi

check "umount smb3mc" umount $mnt
check "rmmod smb3mc" rmmod smb3mc
