# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# What /proc/fs/smb3mc/DebugData counts, for the tests that measure the
# round trips a call costs rather than its time.

# SMB requests smb3mc's channels sent: in every session DebugData lists,
# or only in the first or the last of them (as mounted): another mount's
# own work (a kept handle's deferred close, a break's answer) comes on
# its own time and is not what a check of one mount counts.
requests() { # [first|last]
	awk -v which="${1:-all}" '
		/^session / { s++; if (which == "last") n = 0 }
		which == "first" && s != 1 { next }
		{ for (i = 1; i < NF; i++) if ($i == "requests") n += $(i + 1) }
		END { print n + 0 }' /proc/fs/smb3mc/DebugData
}
