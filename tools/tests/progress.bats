#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/progress.py: long work shows it is alive, in CI as on a terminal.

# shellcheck disable=SC2154 # output, lines, stderr: set by bats' run
load helpers

@test "progress: a stream off a terminal, a line per interval and a count" {
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -0 --separate-stderr bash -c '
		for i in 1 2 3 4; do echo "  CC      o$i.o"; echo "  LD  x"; sleep 0.6; done |
		/usr/bin/python3 "$1" --label build --log "$2" --count "^  CC " \
			--expect 8 --interval 0.5
	' _ "$REPO/tools/progress.py" "$BATS_TEST_TMPDIR/log"
	[ "$output" = 4 ]
	[ "${#stderr_lines[@]}" -ge 3 ]
	[[ ${stderr_lines[0]} =~ ^build:\ [1-4]\ of\ ~8\ objects\ built,\ 0m0[01]s$ ]]
	[[ ${stderr_lines[-1]} =~ ^build:\ 4\ of\ ~8\ objects\ built,\ 0m0[23]s,\ done$ ]]
	[ "$(grep -c LD "$BATS_TEST_TMPDIR/log")" = 4 ]
}

@test "progress: a process watched until it ends, with a size" {
	head -c 3000 /dev/zero > "$BATS_TEST_TMPDIR/f"
	sleep 1.5 &
	run -0 /usr/bin/python3 "$REPO/tools/progress.py" --label dl --pid $! \
		--size-of "$BATS_TEST_TMPDIR/f" --interval 0.5
	[ "${#lines[@]}" -ge 2 ]
	[ "${lines[-1]}" = "dl: 2.9 KB, 0m01s, done" ]
}
