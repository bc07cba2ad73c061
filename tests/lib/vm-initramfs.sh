#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: vm-initramfs.sh KVER [MODROOT]
# Prints the path of a tiny busybox initramfs for KVER that loads the 9p and
# virtio modules from the kernel's own tree (under MODROOT/lib/modules if
# given: the sanitizer kernel's, which has them built in), mounts the host's
# root over virtio-9p (tag "root", read-only) with the kernel file systems,
# tmpfs where the guest writes and the results share (tag "results") on
# /tmp/results, and switch_roots into it, running the script named by the
# kernel parameter smb3mc_guest= as PID 1. Mounting here, with static
# busybox, saves the seconds that each dynamically linked exec over 9p costs
# under TCG.
# switch_root (not chroot) matters: module autoload in the guest must run the
# real root's modprobe, not busybox's.
# Images are cached by kernel version, this script's hash and the time the
# kernel's module index last changed, since building one takes seconds.
set -euo pipefail

kver=$1
modroot=${2:-/}
cache=${SMB3MC_CACHE:-/var/cache/smb3mc}
hash=$({ cat "$0"; stat -c %Y "$modroot/lib/modules/$kver/modules.dep"; } | sha256sum | cut -c1-12)
out=$cache/initramfs-$kver-$hash.cpio.gz
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi

mods=()
for m in virtio_pci 9pnet_virtio 9p; do
	while read -r cmd path _; do
		[ "$cmd" = insmod ] || continue
		case " ${mods[*]} " in *" $path "*) ;; *) mods+=("$path") ;; esac
	done < <(modprobe -d "$modroot" -S "$kver" --show-depends "$m")
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,newroot,lib/modules}
cp /bin/busybox "$tmp/bin/busybox"
for a in sh mount umount insmod switch_root sleep echo mkdir ln; do
	ln -s busybox "$tmp/bin/$a"
done
# The kernel opens /dev/console for init before anything can mount /dev.
mknod "$tmp/dev/console" c 5 1

# busybox insmod cannot read compressed modules: store them plain, in order.
i=0
for path in "${mods[@]}"; do
	i=$((i + 1))
	dst=$tmp/lib/modules/$(printf %02d "$i")-$(basename "${path%.xz}")
	case $path in
	*.xz) xz -dc "$path" >"$dst" ;;
	*) cp "$path" "$dst" ;;
	esac
done

cat >"$tmp/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
for m in /lib/modules/*.ko; do
	# None when all is built in.
	[ -e "$m" ] || continue
	insmod "$m" || echo "initramfs: insmod $m failed"
done
umount /proc
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 \
	root /newroot; then
	echo "initramfs: cannot mount the 9p root"
	sleep 2
	exit 1
fi
cd /newroot
mount -t proc proc proc
mount -t sysfs sys sys
mount -t devtmpfs dev dev
# devtmpfs lacks these; bash process substitution needs /dev/fd.
ln -s /proc/self/fd dev/fd
mkdir -p dev/pts dev/shm
mount -t devpts devpts dev/pts
for d in tmp run dev/shm var/tmp var/log var/lib/samba var/cache/samba; do
	mount -t tmpfs tmpfs $d || echo "initramfs: no tmpfs on /$d"
done
mkdir tmp/results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results tmp/results
cd /
exec switch_root /newroot /bin/bash "$smb3mc_guest"
EOF
chmod +x "$tmp/init"

mkdir -p "$cache"
rm -f "$cache/initramfs-$kver-"*.cpio.gz
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
