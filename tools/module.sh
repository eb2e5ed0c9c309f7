#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make module: vnetmq.ko loaded and unloaded for real, and the KUnit
# suites run as distributions run them: vnetmq_kunit.ko loaded after it.
# Builds make module's kernel (kunit/module.config: vnetmq and its tests
# as modules, SMP, lockdep, kmemleak; $BUILD/module-kernel), boots it
# with tools/module-job.sh and scans the console for kernel reports.
#
# usage: module.sh

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

main() {
	local rc=0 ko
	reset_results module
	use_module_kernel
	prepare_tree
	build_kernel || die "no module kernel; see $LOGS/$KNAME-build.log"
	ko=$KBUILD/drivers/net/vnetmq/vnetmq.ko
	[ -f "$ko" ] || die "no $ko: kunit/module.config must set CONFIG_VNETMQ=m"
	[ -f "${ko%/*}/vnetmq_kunit.ko" ] ||
		die "no ${ko%/*}/vnetmq_kunit.ko: kunit/module.config must set CONFIG_VNETMQ_KUNIT_TEST=m"
	build_progs || die "the selftests' C programs did not build; see $LOGS/*-build.log"
	export VNETMQ_QFILE
	# KUnit on: vnetmq_kunit.ko runs its suites when it is loaded.
	VNETMQ_LINUX=$KBUILD/linux VNETMQ_UML_QUIET=1 VNETMQ_UML_KUNIT=1 \
		"$VNETMQ_REPO/tools/uml-run.sh" module \
		"$VNETMQ_REPO/tools/module-job.sh" "$ko" || rc=$?
	job_verdict module "$rc" \
		"module: vnetmq.ko unloads with devices up and frames queued, is refused while a queue file is open, and loads again; vnetmq_kunit.ko's suites pass as a module"
}

main
