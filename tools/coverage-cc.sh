#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make coverage's compiler (tools/lib.sh's use_coverage_kernel: CC, after
# ccache): clang-19, with UML's CONFIG_GCOV flags (-fprofile-instr-generate
# -fcoverage-mapping) dropped from every compile but the driver's.  On
# every file, they make coverage records of each inline function of each
# header the file includes: 175 MB of them in the kernel, more than
# llvm-cov can read in 24 GB, for code that is not vnetmq's.  Links keep
# the flags, which bring in clang's profile runtime.

set -euo pipefail

CLANG=clang-19
DRIVER=/drivers/net/vnetmq/

compiles_elsewhere() {
	local a compile=0
	for a in "$@"; do
		case $a in
		-c) compile=1 ;;
		*"$DRIVER"*.c) return 1 ;;
		esac
	done
	[ "$compile" = 1 ]
}

main() {
	local a
	local -a args=()
	if compiles_elsewhere "$@"; then
		for a in "$@"; do
			case $a in
			-fprofile-instr-generate | -fcoverage-mapping) ;;
			*) args+=("$a") ;;
			esac
		done
		exec "$CLANG" "${args[@]}"
	fi
	exec "$CLANG" "$@"
}

main "$@"
