#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-channel session and a real mount: every dialect, listing a large
# directory, stat and df against the server's own view, and the errors a
# user meets (wrong password, unknown option, unreachable server), with no
# secret in any log.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

mnt=/tmp/mnt/smb3mc
mkdir -p $mnt
errno_of() { python3 "$REPO/tests/lib/mount_errno.py" "$@"; }
opts="username=$SMB_USER,password=$SMB_PASS"

check "insmod smb3mc.ko" insmod "$SMB3MC_KO"

for v in "3.0 0x0300" "3.02 0x0302" "3.1.1 0x0311"; do
	set -- $v
	vers=$1
	check "mount vers=$vers" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts,vers=$vers"
	check "DebugData shows dialect $2" grep -q "dialect $2" /proc/fs/smb3mc/DebugData
	check "ls the root (vers=$vers)" ls -la $mnt
	check "umount (vers=$vers)" umount $mnt
done

# nosign: the session does not sign, but a 3.1.1 TREE_CONNECT still must
# be (MS-SMB2 3.3.5.7), or Samba drops the connection.
for vers in 3.0 3.1.1; do
	check "mount nosign vers=$vers" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts,nosign,vers=$vers"
	check "DebugData shows signing off (vers=$vers)" grep -q "signing off" /proc/fs/smb3mc/DebugData
	check "ls the root (nosign, vers=$vers)" ls -la $mnt
	check "umount (nosign, vers=$vers)" umount $mnt
done

# The server's files, made on the server side.
big=$SRV_SHARE_DIR/big
mkdir -p $big
(cd $big && seq -f 'file-%04g' 1 1000 | xargs touch)
printf 'x%.0s' $(seq 12345) >$SRV_SHARE_DIR/sized
touch -d '2020-01-02 03:04:05.5' $SRV_SHARE_DIR/sized
mkdir -p "$SRV_SHARE_DIR/ünï cödé"

check "mount (default dialect)" mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts"
diag "$(cat /proc/fs/smb3mc/DebugData)"
n=$(ls $mnt/big | wc -l)
if [ "$n" = 1000 ]; then ok "1000 files listed"; else fail "1000 files listed" "got $n"; fi
ls $mnt/big >/tmp/work/client.ls
ls $big >/tmp/work/server.ls
check "listing equals the server's" diff /tmp/work/client.ls /tmp/work/server.ls
check "UTF-8 name listed" sh -c "ls $mnt | grep -qx 'ünï cödé'"
check "UTF-8 directory is a directory" test -d "$mnt/ünï cödé"
s=$(stat -c %s $mnt/sized)
if [ "$s" = 12345 ]; then ok "stat size"; else fail "stat size" "got $s"; fi
m=$(stat -c %Y $mnt/sized)
want=$(stat -c %Y $SRV_SHARE_DIR/sized)
if [ "$m" = "$want" ]; then ok "stat mtime"; else fail "stat mtime" "got $m want $want"; fi
check "stat of a missing file is ENOENT" sh -c "stat $mnt/missing 2>&1 | grep -q 'No such file'"
check "a directory is a directory" test -d $mnt/big
check "a file is a regular file" test -f $mnt/sized
srv_blocks=$(ip netns exec "$SRV_NS" stat -f -c '%b %S' "$SRV_SHARE_DIR")
cli_blocks=$(stat -f -c '%b %S' $mnt)
if [ "$(( ${srv_blocks% *} * ${srv_blocks#* } ))" = "$(( ${cli_blocks% *} * ${cli_blocks#* } ))" ]; then
	ok "df size equals the server's"
else
	fail "df size equals the server's" "server: $srv_blocks client: $cli_blocks"
fi
check "df works" df -h $mnt
# A file made on the server appears within actimeo (1 s).
touch $SRV_SHARE_DIR/late
sleep 1.2
check "server-side create seen after actimeo" test -e $mnt/late
rm $SRV_SHARE_DIR/late
sleep 1.2
check "server-side delete seen after actimeo" test ! -e $mnt/late
check "/proc/mounts has no password" sh -c "! grep -q -- '$SMB_PASS' /proc/mounts"
check "DebugData has no password" sh -c "! grep -q -- '$SMB_PASS' /proc/fs/smb3mc/DebugData"
check "DebugData is mode 0400" test "$(stat -c %a /proc/fs/smb3mc/DebugData)" = 400
check "DebugData unreadable for nobody" sh -c \
	"! setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/fs/smb3mc/DebugData >/dev/null 2>&1"
check "umount" umount $mnt
# /proc/mounts shows the dialect as vers= takes it (3.02 showed as 3.0),
# and the channels and the ECHO interval (before 2026-12-08 neither).
check "mount vers=3.02,max_channels=2,echo_interval=7" \
	mount -t smb3mc "//$SRV_IP/$SHARE" $mnt -o "$opts,vers=3.02,max_channels=2,echo_interval=7"
check "/proc/mounts shows vers=3.02" grep -q " $mnt smb3mc .*,vers=3.02," /proc/mounts
check "/proc/mounts shows max_channels=2,echo_interval=7" \
	grep -q " $mnt smb3mc .*,max_channels=2,echo_interval=7," /proc/mounts
check "umount" umount $mnt

# Errors: errno and a message in dmesg.
e=$(errno_of "//$SRV_IP/$SHARE" $mnt smb3mc "username=$SMB_USER,password=wrong")
if [ "$e" = EACCES ]; then ok "wrong password: EACCES"; else fail "wrong password: EACCES" "got $e"; fi
check "wrong password: message in dmesg" sh -c "dmesg | grep -q 'wrong user name or password'"
e=$(errno_of "//$SRV_IP/$SHARE" $mnt smb3mc "bogus=1,$opts")
if [ "$e" = EINVAL ]; then ok "unknown option: EINVAL"; else fail "unknown option: EINVAL" "got $e"; fi
check "unknown option: message in dmesg" sh -c "dmesg | grep -q 'option bogus: unknown option'"
# A password with a single comma: what follows it is taken as an option,
# and named nowhere (it is likely the rest of the password).
e=$(errno_of "//$SRV_IP/$SHARE" $mnt smb3mc "$opts,Zq7tail")
if [ "$e" = EINVAL ]; then ok "password with a single comma: EINVAL"; else fail "password with a single comma: EINVAL" "got $e"; fi
check "password with a single comma: message in dmesg" \
	sh -c "dmesg | grep -q 'the option after password=: unknown option'"
check "password with a single comma: its tail not in dmesg" \
	sh -c "! dmesg | grep -q Zq7tail"
e=$(errno_of "//$SRV_IP/$SHARE" $mnt smb3mc "$opts,max_channels=99")
if [ "$e" = EINVAL ]; then ok "max_channels=99: EINVAL"; else fail "max_channels=99: EINVAL" "got $e"; fi
e=$(errno_of "//fileserver/$SHARE" $mnt smb3mc "$opts")
if [ "$e" = EINVAL ]; then ok "host name without ip=: EINVAL"; else fail "host name without ip=: EINVAL" "got $e"; fi
check "host name without ip=: message" sh -c "dmesg | grep -q 'give its address with ip='"
# STATUS_BAD_NETWORK_NAME: ENOENT. Samba signs it; ksmbd sends it twice
# and signs the second copy, which smb3mc checks and takes.
e=$(errno_of "//$SRV_IP/nosuchshare" $mnt smb3mc "$opts")
if [ "$e" = ENOENT ]; then ok "missing share: ENOENT"; else fail "missing share: ENOENT" "got $e"; fi
check "missing share: message in dmesg" sh -c "dmesg | grep -q 'no share named nosuchshare'"
if [ "$SERVER" = ksmbd ]; then
	check "missing share (ksmbd): the answer sent twice, the second copy's signature taken" \
		sh -c "dmesg | grep -q 'sends an error response twice and signs the second (as ksmbd does): taken'"
fi
start=$(date +%s)
e=$(errno_of "//198.18.1.99/$SHARE" $mnt smb3mc "$opts")
took=$(( $(date +%s) - start ))
case $e in
EHOSTUNREACH|ETIMEDOUT) ok "unreachable server: $e" ;;
*) fail "unreachable server: EHOSTUNREACH or ETIMEDOUT" "got $e" ;;
esac
if [ $took -le 15 ]; then ok "unreachable server fails within 15 s ($took s)"; else fail "unreachable server fails within 15 s" "took $took s"; fi
check "unreachable server: message" sh -c "dmesg | grep -q 'cannot reach 198.18.1.99'"
e=$(errno_of "//$SRV_IP/$SHARE" $mnt smb3mc "$opts,port=4999")
if [ "$e" = ECONNREFUSED ]; then ok "closed port: ECONNREFUSED"; else fail "closed port: ECONNREFUSED" "got $e"; fi

check "dmesg has no password" sh -c "! dmesg | grep -q -- '$SMB_PASS'"
check "nothing left mounted" sh -c "! grep -q smb3mc /proc/mounts"
check "rmmod smb3mc" rmmod smb3mc
