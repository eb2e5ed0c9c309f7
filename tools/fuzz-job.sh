#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz, inside the rig kernel (tools/fuzz.sh boots it, SMP with
# KASAN, lockdep, kmemleak and DEBUG_NET): make the queue-file node, then
# run the fuzzer (tools/fuzz/vnetmq_fuzz.c), which creates its own
# devices and watches the kernel log itself.  uml-init scans for leaks
# after it, and the caller scans the console.
#
# usage: fuzz-job.sh FUZZER SECONDS SEED

set -uo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$VNETMQ_KSRC/tools/testing/selftests/drivers/net/vnetmq/lib.sh"

[ $# -eq 3 ] || { echo "usage: $0 FUZZER SECONDS SEED"; exit 2; }
# The misc device exists once vnetmq is loaded: a device made and gone.
if ! { ip link add vnetmqf0 type vnetmq && ip link del vnetmqf0 &&
	qfile_node "$TMPDIR"; }; then
	echo "fuzz: no vnetmq queue-file node"
	exit 2
fi
"$1" --seconds "$2" --seed "$3"
