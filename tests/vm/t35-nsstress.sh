#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Several processes doing random creates, mkdirs, renames, links, unlinks,
# rmdirs, truncates, writes, reads, stats and listings in one tree, on
# names up to 200 characters in deep directories (tests/lib/nsstress.py),
# each result checked against a shadow model of the tree, then the whole
# tree through the mount and in the server's directory. The same run on
# cifs.ko against the same share is the reference: its failure is
# reported, not counted. The seed is fixed (T35_SEED), and printed with
# the replay command when a run fails.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

mnt=/tmp/mnt/t35
cmnt=/tmp/mnt/t35cifs
mkdir -p $mnt $cmnt
opts="username=$SMB_USER,password=$SMB_PASS"
seed=${T35_SEED:-3535}
procs=${T35_PROCS:-4}
ops=${T35_OPS:-150}

# Runs nsstress in a fresh directory of the share: label, mount point.
nsstress() {
	local dir=nsstress-$1 t0=$SECONDS out
	mkdir "$SRV_SHARE_DIR/$dir" && chmod a+rwx "$SRV_SHARE_DIR/$dir" ||
		return 1
	out=$(python3 "$REPO/tests/lib/nsstress.py" "$2/$dir" --procs "$procs" \
		--ops "$ops" --seed "$seed" --server "$SRV_SHARE_DIR/$dir" 2>&1)
	local rc=$?
	printf '%s\n' "$out"
	echo "took $((SECONDS - t0)) s"
	return $rc
}

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount smb3mc" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
if out=$(nsstress smb3mc $mnt); then
	ok "nsstress: $procs processes x $ops operations, seed $seed"
	diag "$out"
else
	fail "nsstress: $procs processes x $ops operations, seed $seed" "$out"
fi
check "umount smb3mc" umount $mnt
check "rmmod smb3mc" rmmod smb3mc

if mount -t cifs "//$SRV_IP/$SHARE" $cmnt -o "$opts,vers=3.1.1"; then
	out=$(nsstress cifs $cmnt)
	rc=$?
	# Its first failure per process, without the operations before it.
	diag "cifs.ko, the reference (exit status $rc):" \
		"$(grep -E '^nsstress: (FAILED|all|process)|^took' <<<"$out")"
	umount $cmnt
else
	diag "cifs.ko, the reference: cannot mount"
fi
