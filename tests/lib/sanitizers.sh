# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by tests/run and kunit/run: the reports of the sanitizer kernel
# (tests/debug/debug.config), one check each.
#
#   san_judge RESULT PREFIX NAMES LOG...
#       For each sanitizer in NAMES ("kasan ubsan lockdep list kmemleak",
#       or a part), calls `RESULT NAME ok|"not ok" DESCRIPTION`; before a
#       "not ok", prints the reports found in the LOGs, each line prefixed
#       with PREFIX NAME ": # ".

declare -A san_what=(
	[kasan]="KASAN memory error"
	[ubsan]="UBSAN undefined behaviour"
	[lockdep]="lockdep or atomic sleep"
	[list]="list corruption"
	[kmemleak]="kmemleak leak"
)
# The first line of each report, as lockdep, KASAN, UBSAN, lib/list_debug.c
# and kmemleak word it in 6.1.
declare -A san_pattern=(
	[kasan]='BUG: KASAN'
	[ubsan]='UBSAN:'
	[lockdep]='WARNING: (possible |inconsistent lock|bad unlock|held lock freed|suspicious RCU|lock held when|Nested lock|bad contention|chain_key|.*lock order detected|.*still has locks held)|BUG: (MAX_|sleeping function|scheduling while atomic|scheduling in a non-blocking|key [0-9a-f]+ has not been registered|looking up invalid subclass)'
	[list]='list_(add|del) corruption'
	[kmemleak]='unreferenced object'
)

san_judge() { # result prefix names log...
	local fn=$1 prefix=$2 names=$3 n
	shift 3
	for n in $names; do
		if grep -qE "${san_pattern[$n]}" "$@" 2>/dev/null; then
			grep -hE -B1 -A40 "${san_pattern[$n]}" "$@" | head -n 120 |
				sed "s/^/$prefix$n: # /"
			"$fn" "$n" "not ok" "${san_what[$n]} report"
		else
			"$fn" "$n" ok "no ${san_what[$n]} report"
		fi
	done
}
