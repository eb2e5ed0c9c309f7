#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-system-x86_64 as kunit.py sees it under make kcsan: tools/kcsan.sh
# puts a link to this script by that name first on PATH.  kunit.py asks
# for "-accel kvm -accel hvf -accel tcg" and QEMU takes the first that
# opens; a /dev/kvm that opens but cannot boot a stock kernel (a PVM
# host's, as on the rig's build machines) then hangs the run until
# kunit.py's timeout.  So every other accelerator is dropped, and TCG
# runs one host thread per vCPU (thread=multi), for vCPUs that truly run
# at once, which KCSAN's watchpoints need.
#
# VNETMQ_QEMU: the real qemu-system-x86_64 (kcsan.sh sets it).
# VNETMQ_KCSAN_ACCEL=kvm: leave kunit.py's choice alone (a host whose
# KVM boots stock kernels: much faster).

set -euo pipefail

[ -n "${VNETMQ_QEMU:-}" ] || {
	echo "${0##*/}: VNETMQ_QEMU is not set: run me through tools/kcsan.sh" >&2
	exit 1
}
[ "${VNETMQ_KCSAN_ACCEL:-tcg}" = tcg ] || exec "$VNETMQ_QEMU" "$@"

args=()
while [ $# -gt 0 ]; do
	if [ "$1" = -accel ] && [ $# -gt 1 ]; then
		[ "$2" != tcg ] || args+=(-accel "tcg,thread=multi")
		shift 2
		continue
	fi
	args+=("$1")
	shift
done
exec "$VNETMQ_QEMU" "${args[@]}"
