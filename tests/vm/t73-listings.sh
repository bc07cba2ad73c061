#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A directory's listing is kept for actimeo: a second `ls -l` of 1,000
# names within it sends at most one request (none, as it stands). A
# change this mount makes in the directory is listed right after it; a
# listing closed half-way is not kept; another client's new name is
# listed once actimeo has passed since the listing was asked for, where
# cifs.ko lists it at once.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/debugdata.sh
. "$(dirname "$0")/../lib/debugdata.sh"

m=/tmp/mnt/list1
m2=/tmp/mnt/list2
m3=/tmp/mnt/list3
srv=$SRV_SHARE_DIR/listings
mkdir -p $m $m2 $m3
rm -rf $srv
mkdir -p $srv/big $srv/small
opts="username=$SMB_USER,password=$SMB_PASS"
# Names of 44 characters: a getdents64() buffer of 32 KiB holds about
# 500, so that a listing takes more than one.
long=file-whose-name-fills-getdents-buffers-
for i in $(seq 1000); do
	: >"$srv/big/$long$i"
done
: >$srv/small/a
chmod -R a+rwX $srv

# The names DIR lists, one per line, sorted.
names() { ls -1 "$1"; }
# The lines of `ls -l DIR` naming one of the 1000 files.
ls_l() { ls -l "$1" | awk -v p=" $long" 'index($0, p) { n++ } END { print n + 0 }'; }

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"
check "mount, actimeo=60" mount -t smb3mc "//$SRV_IP/$SHARE" $m \
	-o "$opts,actimeo=60"
d=$m/listings/big
r0=$(requests last)
expect_eq "ls -l lists 1000 names" "$(ls_l $d)" 1000
r1=$(requests last)
expect_eq "ls -l again lists 1000 names" "$(ls_l $d)" 1000
r2=$(requests last)
diag "the first ls -l: $((r1 - r0)) requests"
counts "ls -l again within actimeo: requests" $((r2 - r1)) -le 1

check "touch a new name through the mount" touch $d/new
expect_eq "the new name is listed right after" "$(names $d | grep -c '^new$')" 1
check "rename a name through the mount" mv "$d/${long}1" $d/renamed
expect_eq "the rename is listed right after: the new name, not the old" \
	"$(names $d | grep -c '^renamed$') $(names $d | grep -c "^${long}1\$")" "1 0"
check "remove a name through the mount" rm $d/new
expect_eq "the removal is listed right after" "$(names $d | grep -c '^new$')" 0
check "rmdir an empty directory through the mount" \
	sh -c "mkdir $d/sub && ls $d >/dev/null && rmdir $d/sub"
expect_eq "the rmdir is listed right after" "$(names $d | grep -c '^sub$')" 0

# Ten entries of the first getdents64() only, then the directory closed,
# after a removal dropped what was kept: a listing kept from that would
# lack names.
check "touch and rm x through the mount" sh -c "touch $d/x && rm $d/x"
check "a listing closed after ten entries" python3 -c '
import os, sys
with os.scandir(sys.argv[1]) as it:
    for i, e in zip(range(10), it):
        pass' $d
r1=$(requests last)
expect_eq "the listing after it has all 1000 names" "$(names $d | grep -c .)" 1000
r2=$(requests last)
counts "the listing after it asked the server: requests" $((r2 - r1)) -gt 0
check "umount, actimeo=60" umount $m

# Another client's new name (the server's own file system here): a
# listing within actimeo lacks it, one after has it. cifs.ko, beside,
# lists it at once: it keeps a listing only under a directory lease,
# which Samba 4.17 does not grant.
check "mount, actimeo=5" mount -t smb3mc "//$SRV_IP/$SHARE" $m2 \
	-o "$opts,actimeo=5"
check "cifs.ko: mount, actimeo=5" mount -t cifs "//$SRV_IP/$SHARE" $m3 \
	-o "$opts,vers=3.1.1,actimeo=5"
expect_eq "actimeo=5: ls lists a" "$(names $m2/listings/small)" a
expect_eq "cifs.ko: ls lists a" "$(names $m3/listings/small)" a
: >$srv/small/b
chmod a+rw $srv/small/b
expect_eq "actimeo=5: b, made on the server after the listing, not listed yet" \
	"$(names $m2/listings/small | paste -sd ' ')" a
expect_eq "cifs.ko: b listed at once" \
	"$(names $m3/listings/small | paste -sd ' ')" "a b"
sleep 5.5
expect_eq "actimeo=5: b listed 5.5 s later" \
	"$(names $m2/listings/small | paste -sd ' ')" "a b"
check "cifs.ko: umount" umount $m3
check "umount, actimeo=5" umount $m2

check "rmmod smb3mc" rmmod smb3mc
rm -rf $srv
