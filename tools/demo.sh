#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the rig kernel and show vnetmq moving frames queue by queue.

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

rc=0
build_progs || die "the demo's C programs did not build; see $LOGS/*-build.log"
export VNETMQ_QFILE
note "booting the rig kernel (console log: $LOGS/demo.console.log)"
VNETMQ_UML_QUIET=1 "$VNETMQ_REPO/tools/uml-run.sh" demo \
	"$VNETMQ_REPO/tools/demo-job.sh" || rc=$?
cat "$UML/demo/job.out" 2>/dev/null || true
[ "$rc" = 0 ] || die "the demo failed (exit $rc); see $LOGS/demo.console.log"
"$VNETMQ_REPO/tools/scan-log.sh" demo "$LOGS/demo.console.log"
