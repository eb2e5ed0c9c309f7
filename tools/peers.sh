#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make peers: the same probes on vnetmq, a veth pair and a netdevsim
# pair (tools/peers-job.sh, inside the rig kernel): what vnetmq lets a
# developer test that the other two do not.  Fails when a result
# differs from the table in Documentation/networking/vnetmq.rst.
#
# usage: peers.sh

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

main() {
	local rc=0
	[ $# -eq 0 ] || die "usage: $0 (no arguments)"
	reset_results peers
	[ -x "$KBUILD/linux" ] || die "no rig kernel at $KBUILD/linux: run 'make kernel' first"
	VNETMQ_UML_QUIET=1 "$VNETMQ_REPO/tools/uml-run.sh" peers \
		"$VNETMQ_REPO/tools/peers-job.sh" || rc=$?
	job_verdict peers "$rc" \
		"peers: vnetmq, veth and netdevsim differ as Documentation/networking/vnetmq.rst says"
}

main "$@"
