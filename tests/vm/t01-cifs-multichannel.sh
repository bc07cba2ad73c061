#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The reference client (cifs.ko) gets 4 channels from this Samba over the
# 4 links: proves the server side of multichannel before smb3mc relies on it.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

[ "$LINKS" -ge 4 ] || skip_all "needs --links 4 (have $LINKS)"

mnt=/tmp/mnt/cifs-mc
mkdir -p $mnt

# Established TCP connections to port 445 on the server side.
srv_conns() {
	ip netns exec "$SRV_NS" ss -Htn state established '( sport = :445 )'
}

check "cifs mounts with multichannel,max_channels=4" mount -t cifs \
	"//$SRV_IP/$SHARE" $mnt \
	-o "username=$SMB_USER,password=$SMB_PASS,vers=3.1.1,multichannel,max_channels=4"
# The client adds the extra channels in the background after the mount.
for _ in $(seq 60); do
	[ "$(srv_conns | wc -l)" -ge 4 ] && break
	sleep 1
done
n=$(srv_conns | wc -l)
if [ "$n" -eq 4 ]; then
	ok "server has 4 TCP connections"
else
	fail "server has 4 TCP connections" "found $n:" "$(srv_conns)"
fi
peers=$(srv_conns | awk '{print $3}' | cut -d: -f1 | sort -u | wc -l)
if [ "$peers" -ge 2 ]; then
	ok "channels use several server addresses ($peers)"
else
	fail "channels use several server addresses" "$(srv_conns)"
fi
diag "$(srv_conns)"
check "write 8 MiB over the channels" dd if=/dev/urandom of=$mnt/mc.bin bs=1M count=8 conv=fsync
check "data reached the server intact" cmp $mnt/mc.bin "$SRV_SHARE_DIR/mc.bin"
check "cifs umount" umount $mnt
