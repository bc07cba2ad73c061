#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest half of the packaging test: tests/pkg/run boots each kernel with
# tests/run --links 4 while smb3mc-dkms and smb3mc-utils are installed on
# the host, so the guest sees their files through its 9p root.
#
# Mounts as an administrator would: mount(8) with a host name from
# /etc/hosts and a credentials file. mount(8) runs /sbin/mount.smb3mc,
# which resolves the name, reads the file and loads the module DKMS
# installed under updates/dkms through libkmod. Nothing here insmods
# build/<kver>/smb3mc.ko. Then the refused mounts (credentials file
# readable by others, unknown host, wrong password) with mount(8)'s exit
# code and message, umount and rmmod.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs 4 links (tests/run --links 4)"

host=fileserver
mnt=/tmp/mnt/pkg
cred=/tmp/root/.smbcred
bad=/tmp/root/.smbcred-wrong
out=/tmp/work/mount.out
version=$(<"$REPO/VERSION")
dkms_dir=/lib/modules/$KVER/updates/dkms
mkdir -p $mnt

# mount_as desc want-status args...: mount(8) with its output in $out.
mount_as() {
	local desc=$1 want=$2 rc
	shift 2
	mount "$@" >$out 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$desc"
	else
		fail "$desc" "command: mount $*" "exit status $rc, want $want" \
			"$(<$out)"
	fi
}

# has desc text: $out has a line containing the text.
has() {
	if grep -Fq -- "$2" $out; then
		ok "$1"
	else
		fail "$1" "no line has '$2' in:" "$(<$out)"
	fi
}

loaded() {
	[ -e /sys/module/smb3mc ]
}

# Before: no smb3mc in the kernel; depmod knows the DKMS-built module;
# the server's name is in a guest-local /etc/hosts (the root is the
# host's, read-only: bind an edited copy over it, as for /etc/passwd).
check "smb3mc not loaded before the mount" sh -c \
	"! test -e /sys/module/smb3mc && ! grep -qw smb3mc /proc/filesystems"
path=$(modinfo -n smb3mc 2>&1)
case $path in
"$dkms_dir"/smb3mc.ko*) ok "modinfo -n smb3mc: $path" ;;
*) fail "modinfo -n smb3mc is under $dkms_dir" "got: $path" ;;
esac
magic=$(modinfo -F vermagic "$path" 2>&1)
expect_eq "vermagic of the DKMS module matches uname -r" "${magic%% *}" "$(uname -r)"
mkdir -p /tmp/etc
cp /etc/hosts /tmp/etc/hosts
echo "$SRV_IP $host" >>/tmp/etc/hosts
check "guest-local /etc/hosts bound over the host's" \
	mount --bind /tmp/etc/hosts /etc/hosts
addr=$(getent ahostsv4 $host | awk 'NR == 1 { print $1 }')
expect_eq "$host resolves to $SRV_IP through /etc/hosts" "$addr" "$SRV_IP"

# The credentials file, as the man page says to write it.
install -d -m 0700 /tmp/root
(umask 077 && printf 'username=%s\npassword=%s\n' "$SMB_USER" "$SMB_PASS" >$cred)
(umask 077 && printf 'username=%s\npassword=%s\n' "$SMB_USER" wrong-Pa55 >$bad)
expect_eq "credentials file $cred has mode 0600" "$(stat -c %a $cred)" 600

# Refused before the module is needed: the helper checks the file's mode
# first, then resolves the name.
chmod 0644 $cred
mount_as "credentials file with mode 0644: mount(8) exits 1" 1 \
	-t smb3mc "//$host/$SHARE" $mnt -o credentials=$cred
has "credentials file with mode 0644: message names the file and the fix" \
	"$cred is readable by group or others (mode 0644); refusing to use it, run: chmod 600 $cred"
chmod 0600 $cred
mount_as "unknown host name: mount(8) exits 32" 32 \
	-t smb3mc "//nosuchserver.invalid/$SHARE" $mnt -o credentials=$cred
has "unknown host name: message names the host" \
	"cannot resolve server name nosuchserver.invalid"
check "refused mounts neither mounted nor loaded smb3mc" sh -c \
	"! grep -q ' smb3mc ' /proc/mounts && ! test -e /sys/module/smb3mc"

# The mount. -v makes the helper say what it resolved and loaded.
mount_as "mount -t smb3mc //$host/$SHARE -o credentials=FILE,max_channels=4" 0 \
	-v -t smb3mc "//$host/$SHARE" $mnt -o credentials=$cred,max_channels=4
diag "$(<$out)"
has "helper resolved $host to $SRV_IP" "$host resolves to $SRV_IP"
has "helper loaded the module DKMS installed ($path)" "loading $path"
has "helper shows the password as ********" "password=********"
if loaded; then ok "/sys/module/smb3mc exists"; else fail "/sys/module/smb3mc exists"; fi
expect_eq "loaded module's srcversion is the DKMS module's" \
	"$(</sys/module/smb3mc/srcversion)" "$(modinfo -F srcversion "$path")"
expect_eq "loaded module's version is $version" \
	"$(</sys/module/smb3mc/version)" "$version"

# The mount works: what the client wrote is what the server stored.
line=$(grep " $mnt smb3mc " /proc/mounts)
diag "/proc/mounts: $line"
case $line in
"//$host/$SHARE $mnt smb3mc "*,ip=$SRV_IP,*) ok "/proc/mounts: //$host/$SHARE, ip=$SRV_IP" ;;
*) fail "/proc/mounts: //$host/$SHARE, ip=$SRV_IP" "got: $line" ;;
esac
head -c 3M /dev/urandom >/tmp/work/pkg.bin
check "write 3 MiB" dd if=/tmp/work/pkg.bin of=$mnt/pkg.bin bs=1M conv=fsync status=none
echo 3 >/proc/sys/vm/drop_caches
want=$(sha256sum </tmp/work/pkg.bin)
got=$(sha256sum <$mnt/pkg.bin)
srv=$(sha256sum <"$SRV_SHARE_DIR/pkg.bin")
if [ "$got" = "$want" ] && [ "$srv" = "$want" ]; then
	ok "read back: sha256 equals the written data and the server's copy"
else
	fail "read back: sha256 equals the written data and the server's copy" \
		"written: $want" "read back: $got" "server: $srv"
fi
debug=$(</proc/fs/smb3mc/DebugData)
diag "$debug"
case $debug in
*"server $host ($SRV_IP) user $SMB_USER "*" channels 4 "*) ok "DebugData: session to $host ($SRV_IP) with 4 channels" ;;
*) fail "DebugData: session to $host ($SRV_IP) with 4 channels" ;;
esac
expect_eq "DebugData: 4 channels in state good" \
	"$(grep -c 'channel [0-9]*: .* state good ' /proc/fs/smb3mc/DebugData)" 4
check "password in neither /proc/mounts, mountinfo nor DebugData" sh -c \
	"! grep -qF -- '$SMB_PASS' /proc/mounts /proc/self/mountinfo /proc/fs/smb3mc/DebugData"
check "no credentials= or password= in /proc/mounts" sh -c \
	"! grep ' $mnt ' /proc/mounts | grep -Eq 'credentials=|password='"
check "umount" umount $mnt

# Wrong password: the module is loaded now; the server says no.
mount_as "wrong password: mount(8) exits 32" 32 \
	-t smb3mc "//$host/$SHARE" $mnt -o credentials=$bad
has "wrong password: message says so" "Permission denied; wrong user name or password"
check "wrong password: message in dmesg" sh -c \
	"dmesg | grep -qF '$host: wrong user name or password'"
check "no password, right or wrong, in dmesg" sh -c \
	"! dmesg | grep -qF -e '$SMB_PASS' -e wrong-Pa55"

# A password with a single comma: what follows the comma is passed on
# after the password, where the module names it in no message, nor -v.
mount_as "password with a single comma: mount(8) exits 32" 32 \
	-v -t smb3mc "//$host/$SHARE" $mnt \
	-o "username=$SMB_USER,password=$SMB_PASS,Zq7tail"
has "password with a single comma: -v shows the mount(2) call" \
	"password=********"
check "password with a single comma: neither it nor its tail in -v's output" \
	sh -c "! grep -qF -e '$SMB_PASS' -e Zq7tail $out"
check "password with a single comma: its tail not in dmesg" sh -c \
	"dmesg | grep -qF 'the option after password=' && ! dmesg | grep -qF Zq7tail"

check "nothing left mounted" sh -c "! grep -q ' smb3mc ' /proc/mounts"
check "rmmod smb3mc" rmmod smb3mc
if loaded; then fail "smb3mc unloaded"; else ok "smb3mc unloaded"; fi
umount /etc/hosts
