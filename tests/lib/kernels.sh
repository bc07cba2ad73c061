#!/bin/sh
# Print the Debian 12 kernels smb3mc targets that have headers installed:
# the 6.1 series (linux-headers-amd64) and 6.12 (linux-headers-6.12-amd64).
for series in 6.1 6.12; do
	ls -d /lib/modules/"$series".*-amd64/build 2>/dev/null |
		sed 's|/lib/modules/||; s|/build||' | sort -V | tail -n 1
done
