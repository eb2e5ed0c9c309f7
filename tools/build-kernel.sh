#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the rig kernel (kunit.py's UML build with the rig's fragments) so
# that e2e and demo can boot it.  Incremental: a driver change rebuilds
# the driver's files and relinks.

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

prepare_tree
kunit_py build > "$LOGS/kernel-build.log" 2>&1 || {
	tail -n 30 "$LOGS/kernel-build.log" >&2
	die "kernel build failed; full log: $LOGS/kernel-build.log"
}
note "rig kernel: $KBUILD/linux"
