#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/report.py and why_failed (tools/lib.sh): a failed job's summary
# line carries the reason under it (UML's exit, the job's last lines),
# since the summary is the part of a CI log that is sure to be kept.

# shellcheck disable=SC2154 # output, lines: set by bats' run
load helpers

@test "report: a failed job's summary says why" {
	local uml=$BATS_TEST_TMPDIR/uml
	mkdir -p "$uml/stress" "$BUILD/logs"
	printf '%s\n' 'ops total 90' 'stress: frames unaccounted for' \
		> "$uml/stress/job.out"
	echo 'reboot: Power down' > "$BUILD/logs/stress.console.log"
	run -1 bash -c ". '$REPO/tools/lib.sh' && UML=$uml &&
		reset_results stress && job_verdict stress 1 'stress: the run'"
	run -1 "$REPO/tools/report.py" "$BUILD/results"
	[ "${lines[0]}" = "stress: not ok - stress: the run" ]
	[ "${lines[1]}" = "    # UML exited with 1" ]
	[ "${lines[3]}" = "    # job: stress: frames unaccounted for" ]
	[ "${lines[4]}" = "    # console: reboot: Power down" ]
	[ "${lines[5]}" = "1 passed, 1 failed" ]	# the console scan
}

@test "report: diagnostics under a passing result are not printed" {
	mkdir -p "$BUILD/results"
	printf '%s\n' 'ok - a' '# fine' 'not ok - b' '# why b' \
		> "$BUILD/results/x.tap"
	run -1 "$REPO/tools/report.py" "$BUILD/results"
	[ "$output" = "x: not ok - b
    # why b
1 passed, 1 failed" ]
}
