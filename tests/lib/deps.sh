#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages that building and testing smb3mc need:
# both target kernels with headers (the guests boot /boot/vmlinuz-*), qemu,
# busybox-static for the guest initramfs, Samba and cifs-utils (the server
# and the reference client), and the tools of the tests and benchmarks
# (python3-cryptography: the hostile server of tests/hostile).
# Does nothing when all are installed; runs without a terminal or stdin.
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
[ -n "$missing" ] || exit 0

echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update </dev/null
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing </dev/null
