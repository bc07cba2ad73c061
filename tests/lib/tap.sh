# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the guest test scripts (tests/vm/t*.sh); source this file.
#
#   ok "desc"              a passing check
#   fail "desc" [diag...]  a failing check, each diag printed as "# ..."
#   check "desc" cmd...    runs cmd; ok if it exits 0, else fail with its output
#   expect_eq "desc" got want
#                          ok if got is want, else fail showing both
#   counts "desc" got op limit
#                          ok if test(1) "got op limit" holds, else fail
#   skip "desc" "reason"   a check that could not run here
#   todo "desc" "reason" cmd...
#                          a check of a known, unfixed bug: runs cmd and
#                          prints "ok/not ok N - desc # TODO reason";
#                          tests/run counts it neither passed nor failed
#   skip_all "reason"      the whole script does not apply: plan 1..0, exit
#   diag "text..."         a "# ..." line
#
# The plan ("1..N") is printed when the script exits, so a script killed by
# its time limit leaves no plan and the harness counts it as failed.

_tap_n=0
_tap_failed=0

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

ok() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s\n' "$_tap_n" "$1"
}

fail() {
	local d

	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$1"
	shift
	for d in "$@"; do
		diag "$d"
	done
}

expect_eq() { # desc got want
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

counts() { # desc got op limit
	if test "$2" "$3" "$4"; then
		ok "$1: $2"
	else
		fail "$1: $3 $4" "got $2"
	fi
}

check() {
	_tap_desc=$1
	shift
	if _tap_out=$("$@" 2>&1); then
		ok "$_tap_desc"
	else
		fail "$_tap_desc" "command: $*" "exit status $?" "$_tap_out"
	fi
}

skip() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$_tap_n" "$1" "$2"
}

todo() {
	_tap_desc=$1 _tap_why=$2
	shift 2
	_tap_n=$((_tap_n + 1))
	if _tap_out=$("$@" 2>&1); then
		printf 'ok %d - %s # TODO %s\n' "$_tap_n" "$_tap_desc" "$_tap_why"
	else
		printf 'not ok %d - %s # TODO %s\n' "$_tap_n" "$_tap_desc" "$_tap_why"
		diag "${_tap_out:-command: $*}"
	fi
}

skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	trap - EXIT
	exit 0
}

_tap_end() {
	printf '1..%d\n' "$_tap_n"
}
trap _tap_end EXIT
