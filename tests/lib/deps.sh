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
# pull in; the guests run it from there (tests/lib/vm-guest.sh). It comes
# from bookworm-backports (3.5.2): bookworm's 3.4.7 leaves the share
# config answer's payload_sz zero, which 6.1.0-57's ksmbd refuses (every
# tree connect fails). The backports index goes into a private apt
# directory, still verified with Debian's archive key; the system's
# sources stay as they are.
ksmbd_tools=/var/cache/smb3mc/ksmbd-tools-bookworm-backports
[ ! -x $ksmbd_tools/usr/sbin/ksmbd.mountd ] || exit 0
echo "deps.sh: unpacking ksmbd-tools from bookworm-backports into $ksmbd_tools"
rm -rf $ksmbd_tools.tmp
mkdir -p $ksmbd_tools.tmp/apt/lists/partial $ksmbd_tools.tmp/apt/cache \
	$ksmbd_tools.tmp/deb
cd $ksmbd_tools.tmp
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
	"http://deb.debian.org/debian bookworm-backports main" >apt/sources.list
bpo="-o Dir::Etc::SourceList=$PWD/apt/sources.list
-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$PWD/apt/lists
-o Dir::Cache=$PWD/apt/cache -o APT::Sandbox::User=root"
cd deb
# shellcheck disable=SC2086 # one word per option
apt-get $bpo update </dev/null
# shellcheck disable=SC2086
apt-get $bpo download ksmbd-tools </dev/null
if ! apt-get -o APT::Sandbox::User=root download libnl-genl-3-200 </dev/null; then
	apt-get update </dev/null
	apt-get -o APT::Sandbox::User=root download libnl-genl-3-200 </dev/null
fi
for deb in *.deb; do
	dpkg-deb -x "$deb" ..
done
cd ..
rm -r deb apt
mv $ksmbd_tools.tmp $ksmbd_tools
