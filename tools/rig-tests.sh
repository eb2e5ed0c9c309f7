#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig's own tests (tools/tests/*.bats): set-up, fetchers, mirror
# discovery, progress, all against stand-ins for apt and dpkg, so they
# take seconds and no network.  Each case becomes a result of the "rig"
# stage.
#
# usage: rig-tests.sh [BATS_FILE...]    default: every tools/tests/*.bats

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

main() {
	local log=$LOGS/rig-tests.tap rc=0
	local -a files=("$@")
	[ ${#files[@]} -gt 0 ] || files=("$VNETMQ_REPO"/tools/tests/*.bats)
	command -v bats >/dev/null || die "bats is not installed: run 'make setup'"
	reset_results rig
	bats --tap "${files[@]}" > "$log" 2>&1 || rc=$?
	sed -nE 's/^(not ok|ok) [0-9]+ (.*)$/\1 - rig: \2/p' "$log" >> "$RESULTS/rig.tap"
	if grep -q '^not ok' "$log"; then
		grep -vE '^(ok|1\.\.)' "$log" >&2
	elif [ "$rc" != 0 ]; then
		cat "$log" >&2
		result rig 1 "rig: bats exited with $rc (see $log)"
	fi
	return "$rc"
}

main "$@"
