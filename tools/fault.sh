#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fault-injection sweep: boot the rig kernel with tools/fault-job.sh,
# which fails vnetmq's allocations one at a time on every path PATHS
# names, then scan the console for kernel reports (kmemleak's scan at the
# end of the boot among them).  The sweep's filters need the address
# ranges of vnetmq's and kmemleak's text: tools/text-range.py.
#
# usage: fault.sh      PATHS (default: every path) from the environment

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

ALL_PATHS="create pair up channels rings qfile mqprio netlink ioctl xmit"
PATHS=${PATHS:-$ALL_PATHS}

main() {
	local rc=0 range reject
	check_words PATHS path "$PATHS" "$ALL_PATHS"
	reset_results faults
	[ -x "$KBUILD/linux" ] || die "no rig kernel at $KBUILD/linux: run 'make kernel' first"
	# Not pair.o: registering a device runs under its newlink, and the
	# core's allocations there (kobjects, sysfs, names) are not vnetmq's;
	# vnetmq's own (ndo_init) stay in range.
	range=$("$PY" "$VNETMQ_REPO/tools/text-range.py" --leave-out pair.o \
		"$KBUILD/linux" "$KBUILD/drivers/net/vnetmq/built-in.a") ||
		die "cannot place vnetmq's text in $KBUILD/linux; is it built in?"
	# No range to reject (0 0) on a kernel without kmemleak (make
	# coverage's): there is no allocation of its to spare.
	reject="0 0"
	if grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$KBUILD/.config"; then
		reject=$("$PY" "$VNETMQ_REPO/tools/text-range.py" "$KBUILD/linux" \
			"$KBUILD/mm/kmemleak.o") ||
			die "cannot place kmemleak's text in $KBUILD/linux"
	fi
	build_progs || die "the selftests' C programs did not build; see $LOGS/*-build.log"
	export VNETMQ_QFILE VNETMQ_IOCTL
	note "faults: sweeping $PATHS"
	# shellcheck disable=SC2086 # range, reject and PATHS are word lists
	VNETMQ_UML_QUIET=1 "$VNETMQ_REPO/tools/uml-run.sh" faults \
		"$VNETMQ_REPO/tools/fault-job.sh" $range $reject $PATHS || rc=$?
	job_verdict faults "$rc" \
		"faults: every allocation on $PATHS failed in turn, the device still works"
}

main
