# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# time_limit SCRIPT DEFAULT: the seconds a guest test may take, the longer
# of DEFAULT (SMB3MC_TEST_TIMEOUT) and what SCRIPT asks for in a line
# "# Time limit: N s". tests/run sizes the guest's own limit by it, and
# tests/lib/vm-guest.sh stops the test at it.
time_limit() { # script default
	local l
	l=$(sed -n 's/^# Time limit: \([0-9]*\) s.*/\1/p' "$1" | head -n 1)
	if [ -n "$l" ] && [ "$l" -gt "$2" ]; then
		echo "$l"
	else
		echo "$2"
	fi
}
