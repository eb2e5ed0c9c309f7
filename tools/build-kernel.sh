#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the rig kernel (kunit.py's UML config with the rig's fragments) so
# that KUnit, e2e and demo can boot it.  Incremental: a driver change
# rebuilds the driver's files and relinks.

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

prepare_tree
build_kernel || die "no rig kernel"
note "rig kernel: $KBUILD/linux"
