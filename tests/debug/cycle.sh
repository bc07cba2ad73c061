#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One whole life of the module for the sanitizer kernel's leak check:
# insmod, mount, write, read back, list, unlink, umount, rmmod. The guest
# has kmemleak scan right after (tests/lib/vm-guest.sh): whatever smb3mc
# allocated and did not free is reported then, its module gone.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

mnt=/tmp/mnt/cycle
mkdir -p $mnt
opts="username=$SMB_USER,password=$SMB_PASS"
head -c 1048577 /dev/urandom >/tmp/cycle.bin

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
check "write 1 MiB and fsync" dd if=/tmp/cycle.bin of=$mnt/cycle.bin bs=64k \
	conv=fsync status=none
check "server has the same bytes" cmp /tmp/cycle.bin "$SRV_SHARE_DIR/cycle.bin"
check "read back uncached" sh -c "echo 3 >/proc/sys/vm/drop_caches &&
	cmp /tmp/cycle.bin $mnt/cycle.bin"
check "listing shows the file" sh -c "ls -l $mnt | grep -q cycle.bin"
check "unlink" rm $mnt/cycle.bin
check "umount" umount $mnt
check "rmmod smb3mc" rmmod smb3mc
