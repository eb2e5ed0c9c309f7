#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make module: vnetmq.ko loaded and unloaded for real.  Builds make
# module's kernel (kunit/module.config: vnetmq as a module, SMP, lockdep,
# kmemleak; $BUILD/module-kernel), boots it with tools/module-job.sh and
# scans the console for kernel reports.
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
	build_progs || die "the selftests' C programs did not build; see $LOGS/*-build.log"
	export VNETMQ_QFILE
	VNETMQ_LINUX=$KBUILD/linux VNETMQ_UML_QUIET=1 \
		"$VNETMQ_REPO/tools/uml-run.sh" module \
		"$VNETMQ_REPO/tools/module-job.sh" "$ko" || rc=$?
	job_verdict module "$rc" \
		"module: vnetmq.ko unloads with devices up and frames queued, is refused while a queue file is open, and loads again"
}

main
