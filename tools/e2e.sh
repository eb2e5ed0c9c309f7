#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the vnetmq selftests as a user does (the kernel's headers, then
# make -C tools/testing/selftests TARGETS=drivers/net/vnetmq install,
# which brings net/lib and its YNL CLI along), run each installed test in
# its own boot of the rig kernel (host filesystem as root, two CPUs),
# turn its KTAP into results and scan the console log for kernel reports.
# The C programs are also built with -Wextra -Werror, as a check.
#
# usage: e2e.sh [TEST...]      default: every test the selftest Makefile lists

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

selftests=$VNETMQ_REPO/tools/testing/selftests/drivers/net/vnetmq
ksft=$BUILD/kselftest
installed=$ksft/install/drivers/net/vnetmq

# The Makefile's TEST_PROGS, continuation lines joined.
listed_tests() {
	sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$selftests/Makefile" |
		sed -n 's/^TEST_PROGS[ +:]*= *//p' | tr -s '[:blank:]' '\n' |
		sed '/^$/d'
}

# KTAP "ok N desc" / "not ok N desc" lines become results of this stage;
# the last "# " lines a test printed before its "not ok" go under it, as
# the reason tools/report.py prints.
ktap_to_results() {
	local name=$1 out=$2
	awk -v name="$name" '
		/^# / { why[n++ % 4] = $0; next }
		match($0, /^(not ok|ok) [0-9]+ /) {
			verdict = $1 == "ok" ? "ok" : "not ok"
			print verdict " - e2e: " name ": " substr($0, RLENGTH + 1)
			if (verdict == "not ok")
				for (i = (n > 4 ? n - 4 : 0); i < n; i++)
					print why[i % 4]
			n = 0
		}' "$out" >> "$RESULTS/e2e.tap"
}

# install_selftests: vnetmq's target into $ksft/install.
install_selftests() {
	local log=$LOGS/selftests-install.log
	install_kselftests "$ksft" "$log" drivers/net/vnetmq ||
		{ tail -n 20 "$log" >&2; return 1; }
}

run_one() {
	local name=$1 rc=0 out
	out=$UML/$name/job.out
	"$VNETMQ_REPO/tools/uml-run.sh" "$name" "$installed/$name" || rc=$?
	if [ -f "$out" ]; then
		ktap_to_results "$name" "$out"
	fi
	if [ "$rc" != 0 ] && ! grep -q "^not ok - e2e: $name:" "$RESULTS/e2e.tap"; then
		result e2e 1 "e2e: $name exited with $rc; see $LOGS/$name.console.log"
		why_failed e2e "$rc" "$out" "$LOGS/$name.console.log"
	fi
	"$VNETMQ_REPO/tools/scan-log.sh" e2e "$LOGS/$name.console.log" || rc=1
	return "$rc"
}

main() {
	local t start rc=0
	local -a tests=("$@")
	[ ${#tests[@]} -gt 0 ] || mapfile -t tests < <(listed_tests)
	reset_results e2e
	if ! build_progs; then
		result e2e 1 "e2e: the selftests' C programs did not build with -Wextra -Werror; see $LOGS/*-build.log"
		rc=1
	fi
	if ! install_selftests; then
		result e2e 1 "e2e: make -C tools/testing/selftests TARGETS=drivers/net/vnetmq install failed; see $LOGS/selftests-install.log"
		return 1
	fi
	result e2e 0 "e2e: the selftests install (headers_install, kselftest install)"
	# The installed tests use the programs installed beside them.
	export VNETMQ_QFILE="" VNETMQ_IOCTL=""
	for t in "${tests[@]}"; do
		[ -x "$installed/$t" ] || die "no selftest $t in $installed"
		start=$SECONDS
		run_one "$t" || rc=1
		# Where the stage's time goes, for the budget of make test.
		note "$t took $((SECONDS - start)) s"
	done
	return "$rc"
}

main "$@"
