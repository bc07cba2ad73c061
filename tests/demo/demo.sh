#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest side of `make demo`: mount a share with smb3mc over the links
# the harness set up, list it, show the channel table and a throughput.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

mnt=/tmp/mnt/demo
mkdir -p $mnt
dd if=/dev/urandom of="$SRV_SHARE_DIR/demo-16M.bin" bs=1M count=16 status=none
seq -f 'hello from the server %g' 3 >"$SRV_SHARE_DIR/hello.txt"

check "insmod smb3mc" insmod "$SMB3MC_KO"
check "mount -t smb3mc //$SRV_IP/$SHARE -o max_channels=4" \
	mount -t smb3mc "//$SRV_IP/$SHARE" $mnt \
	-o "username=$SMB_USER,password=$SMB_PASS,max_channels=4"
diag "\$ mount | grep smb3mc"
diag "$(grep smb3mc /proc/mounts)"
diag "\$ ls -l $mnt"
diag "$(ls -l $mnt 2>&1)"
diag "\$ df -h $mnt"
diag "$(df -h $mnt 2>&1)"
diag "\$ cat /proc/fs/smb3mc/DebugData"
diag "$(cat /proc/fs/smb3mc/DebugData)"
start=$(date +%s%N)
if cmp -s $mnt/demo-16M.bin "$SRV_SHARE_DIR/demo-16M.bin"; then
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	ok "read 16 MiB intact in $ms ms"
	diag "throughput: $(( 16 * 1024 * 1000 / (ms ? ms : 1) )) KiB/s over $LINKS link(s) at ${RATE:-full speed}"
else
	fail "read 16 MiB intact"
fi
check "umount" umount $mnt
check "rmmod smb3mc" rmmod smb3mc
