#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test: smb3mc loads and unloads; cifs.ko (the reference client)
# proves the Samba server and the test account work.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

mnt=/tmp/mnt/cifs
mkdir -p $mnt

# insmod does not resolve dependencies: load whatever modinfo lists first.
deps=$(modinfo -F depends "$SMB3MC_KO" 2>/dev/null | tr , ' ')
for d in $deps; do
	modprobe "$d"
done
check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "smb3mc in /proc/filesystems" grep -qw smb3mc /proc/filesystems
check "DebugData says smb3mc version" grep -q "smb3mc version" /proc/fs/smb3mc/DebugData
diag "$(cat /proc/fs/smb3mc/DebugData 2>&1)"
check "rmmod smb3mc" rmmod smb3mc
check "smb3mc gone from /proc/filesystems" sh -c '! grep -qw smb3mc /proc/filesystems'

opts="username=$SMB_USER,password=$SMB_PASS,vers=3.1.1"
check "cifs mounts //$SRV_IP/$SHARE (3.1.1)" mount -t cifs "//$SRV_IP/$SHARE" $mnt -o "$opts"
data="smb3mc smoke $$ $(date +%s%N)"
check "cifs write" sh -c "echo '$data' >$mnt/smoke.txt && sync"
check "server has the file" grep -qx "$data" "$SRV_SHARE_DIR/smoke.txt"
check "cifs read back" sh -c "echo 3 >/proc/sys/vm/drop_caches; grep -qx '$data' $mnt/smoke.txt"
check "cifs umount" umount $mnt

check "cifs mounts //$SRV_IP/$RO_SHARE (3.0)" mount -t cifs "//$SRV_IP/$RO_SHARE" $mnt \
	-o "username=$SMB_USER,password=$SMB_PASS,vers=3.0"
check "read-only share readable" grep -q "read-only share" $mnt/hello.txt
check "read-only share refuses writes" sh -c "! touch $mnt/new.txt 2>/dev/null"
check "cifs umount ro" umount $mnt
