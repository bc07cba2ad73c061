#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages that building and testing smb3mc need:
# both target kernels with headers (the guests boot /boot/vmlinuz-*), qemu,
# busybox-static for the guest initramfs, Samba and cifs-utils (the server
# and the reference client), and the tools of the tests and benchmarks
# (python3-cryptography: the hostile server of tests/hostile); and
# unpacks ksmbd-tools, the user space of the kernel's SMB server, for
# tests/run --server ksmbd (see ksmbd_tools below).
# Does nothing when all are in place; runs without a terminal or stdin.
set -eu

pkgs="linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.1
build-essential bc flex bison libelf-dev libssl-dev libkmod-dev pkg-config
sparse dkms kmod xz-utils cpio rsync
qemu-system-x86 busybox-static
samba smbclient cifs-utils iproute2 iperf3 fio gnuplot-nox python3
python3-cryptography"

# shellcheck disable=SC2086 # one word per package
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null |
	sed -n 's/ install ok installed$//p')
missing=
for p in $pkgs; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
export DEBIAN_FRONTEND=noninteractive
if [ -n "$missing" ]; then
	echo "deps.sh: installing$missing"
	apt-get update </dev/null
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $missing </dev/null
fi

# The package ksmbd-tools conflicts with samba: it is unpacked into
# $ksmbd_tools instead, with the one library of it that samba does not
# pull in; the guests run it from there (tests/lib/vm-guest.sh).
ksmbd_tools=/var/cache/smb3mc/ksmbd-tools
[ ! -x $ksmbd_tools/usr/sbin/ksmbd.mountd ] || exit 0
echo "deps.sh: unpacking ksmbd-tools into $ksmbd_tools"
rm -rf $ksmbd_tools.tmp
mkdir -p $ksmbd_tools.tmp/deb
cd $ksmbd_tools.tmp/deb
if ! apt-get download ksmbd-tools libnl-genl-3-200 </dev/null; then
	apt-get update </dev/null
	apt-get download ksmbd-tools libnl-genl-3-200 </dev/null
fi
for deb in *.deb; do
	dpkg-deb -x "$deb" ..
done
cd ..
rm -r deb
mv $ksmbd_tools.tmp $ksmbd_tools
