#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mainline: the tree's own driver selftests (the Python tests of
# tools/testing/selftests/drivers/net and drivers/net/hw) inside one UML
# boot of make mainline's kernel, against a vnetmq pair and a veth pair
# through NETIF (the remote end in a netns) and against the tests' own
# netdevsim pair.  Writes build/mainline/results.json and prints a table
# (tools/mainline-results.py).  What fails upstream is a finding, not a
# failure of this stage: it fails only when the job itself does.
#
# usage: mainline.sh [--fast] [FILE...]   FILE: drivers/net/ping.py, ...
#        VNETMQ_MAINLINE_DEVICES="vnetmq veth" picks devices

set -euo pipefail
export VNETMQ_KERNEL=mainline
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

MAIN=$BUILD/mainline
T=tools/testing/selftests
# VNETMQ_MAINLINE_DEVICES="vnetmq": fewer devices, for a quicker look.
read -ra DEVICES <<< "${VNETMQ_MAINLINE_DEVICES:-vnetmq veth netdevsim}"
# make test's subset: the steering tests netdevsim cannot pass, and a
# few that need only NETIF; none uses iperf3.
FAST=(drivers/net/ping.py drivers/net/stats.py drivers/net/queues.py
      drivers/net/hw/rss_api.py drivers/net/hw/rss_drv.py
      drivers/net/hw/ntuple.py)

install_tests() {
	local log=$LOGS/mainline-install.log
	install_kselftests "$MAIN" "$log" drivers/net drivers/net/hw \
		drivers/net/vnetmq ||
		die "installing the driver selftests failed; see $log"
	# The root is read-only in UML: byte code now, not per import.
	python3 -m compileall -q "$MAIN/install" >> "$log" 2>&1 ||
		die "compiling the driver selftests' Python failed; see $log"
}

# every_test DIR: the Python tests DIR's Makefile lists, as FILE paths.
every_test() {
	sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$TREE/$T/$1/Makefile" |
		sed -n 's/^TEST_PROGS[ +:]*= *//p' | tr -s '[:blank:]' '\n' |
		grep '\.py$' | sed "s|^|$1/|"
}

write_plan() {
	local plan=$1 dev file
	shift
	: > "$plan"
	for dev in "${DEVICES[@]}"; do
		for file in "$@"; do
			[ -f "$MAIN/install/${file#tools/testing/selftests/}" ] ||
				die "$file: no such installed test (FILE is drivers/net/NAME.py or drivers/net/hw/NAME.py)"
			echo "$dev $file" >> "$plan"
		done
	done
}

main() {
	local files=() ethtool rc=0 out=$UML/mainline timeout
	if [ "${1:-}" = --fast ]; then
		files=("${FAST[@]}")
		shift
	fi
	files+=("$@")
	[ ${#files[@]} -gt 0 ] ||
		mapfile -t files < <(every_test drivers/net; every_test drivers/net/hw)
	reset_results mainline
	prepare_tree
	build_kernel || die "no mainline kernel"
	ethtool=$("$VNETMQ_REPO/tools/fetch-ethtool.sh" "$VNETMQ_CACHE")
	with_progress "install the driver selftests" "$MAIN" install_tests
	mkdir -p "$out"
	rm -rf "$out/ktap" "$out/runs.tsv"
	write_plan "$out/plan" "${files[@]}"
	# Up to each test's limit (tools/mainline-job.sh), and the boot.
	timeout=$((${#DEVICES[@]} * ${#files[@]} * 950 + 300))
	VNETMQ_UML_QUIET=1 VNETMQ_UML_TIMEOUT=$timeout \
		"$VNETMQ_REPO/tools/uml-run.sh" mainline \
		"$VNETMQ_REPO/tools/mainline-job.sh" "$MAIN/install" "$ethtool" ||
		rc=$?
	"$PY" "$VNETMQ_REPO/tools/mainline-results.py" "$out" \
		"$MAIN/results.json" || rc=1
	job_verdict mainline "$rc" \
		"mainline: the tree's driver selftests ran on vnetmq, veth and netdevsim"
}

main "$@"
