#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The static gates netdev's CI (NIPA) runs, on vnetmq: on the final tree
# (checkpatch, W=1 module builds with modpost for x86_64 under sparse,
# i386 and clang, coccicheck, kernel-doc, reverse christmas tree, the
# selftests directory, the netlink code generated from its spec, the
# rig's scripts under shellcheck) and on every patch of the series,
# applied one by one with git am (series).  Each failure names
# the gate and the file:line; outputs are kept under $LOGS/gates/.
#
# usage: gates.sh [GATE...]   default: every gate but checkpatch (see
#                             GATES below)

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/../tools/lib.sh"
# shellcheck source=ci/checks.sh
. "$(dirname "$0")/checks.sh"

# checkpatch on the final files repeats what the series gate runs on
# every patch, which is what NIPA runs (every line of every file is an
# added line of some patch): by default it runs there only, and
# GATES=checkpatch runs it file by file for findings by file and line.
GATES=(sparse i386 clang coccicheck kerneldoc xmastree selftests ynl
       shellcheck series)
ALL_GATES=(checkpatch "${GATES[@]}")
out=$LOGS/gates
driver=drivers/net/vnetmq
selftests=tools/testing/selftests/drivers/net/vnetmq

driver_files() {
	(cd "$VNETMQ_REPO" && find "$driver" -name '*.[ch]' | sort)
}

# gate NAME WHAT LOG CHECK...: run a check, keep its findings in LOG,
# record the result.
gate() {
	local name=$1 what=$2 log=$3
	shift 3
	if "$@" > "$log" 2>&1; then
		result gates 0 "gate $name: $what"
	else
		sed "s|^|$name: |" "$log" >&2
		result gates 1 "gate $name: $what (full output: $log)"
	fi
}

gate_checkpatch() {
	local f
	local -a files
	mapfile -t files < <(driver_files)
	files+=("$driver/Makefile" Documentation/networking/vnetmq.rst)
	for f in "${files[@]}"; do
		gate checkpatch "$f" "$out/checkpatch.${f//\//_}.log" \
			check_checkpatch "$TREE" -f "$f"
	done
}

# driver_modules FLAVOUR: make arguments that build the final tree's
# driver and its KUnit tests as modules (module_args).
driver_modules() {
	module_args "$1" "$TREE/$driver"
}

gate_sparse() {
	local -a mods
	mapfile -t mods < <(driver_modules x86_64)
	gate sparse "W=1 C=2 x86_64 build of $driver, modpost" "$out/sparse.log" \
		check_sparse "$out/sparse-build.log" "${mods[@]}"
}

# gate_flavour FLAVOUR WHAT: a W=1 build of the driver's modules.
gate_flavour() {
	local -a mods
	mapfile -t mods < <(driver_modules "$1")
	gate "$1" "W=1 $2 build of $driver, modpost" "$out/$1.log" \
		check_build "$1" "$out/$1-build.log" "${mods[@]}"
}

gate_i386() {
	gate_flavour i386 i386
}

gate_clang() {
	gate_flavour clang clang-19
}

gate_coccicheck() {
	gate coccicheck "$driver" "$out/coccicheck.log" \
		check_cocci "$out/coccicheck-run.log" "$driver/"
}

gate_kerneldoc() {
	local -a files
	mapfile -t files < <(driver_files)
	gate kernel-doc "$driver" "$out/kernel-doc.log" \
		check_kerneldoc "$TREE" "${files[@]/#/$VNETMQ_REPO/}"
}

gate_xmastree() {
	local -a files
	mapfile -t files < <(driver_files)
	gate xmastree "declarations longest first in $driver" \
		"$out/xmastree.log" check_xmastree "${files[@]/#/$VNETMQ_REPO/}"
}

gate_selftests() {
	gate selftests "$selftests (listed, sorted, shellcheck, pylint)" \
		"$out/selftests.log" check_selftest_dir "$VNETMQ_REPO/$selftests"
}

gate_ynl() {
	local -a files
	mapfile -t files < <(generated_files "$VNETMQ_REPO")
	gate ynl "generated netlink code matches its spec; yamllint; YNL build" \
		"$out/ynl.log" check_ynl "$TREE" "${files[@]}"
}

rig_scripts() {
	(cd "$VNETMQ_REPO" && git ls-files --cached --others --exclude-standard \
		'*.sh' '*.bats' '*.bash' 'tools/tests/stubs/*' .ci/run | sort -u)
}

check_rig_scripts() {
	local -a scripts
	mapfile -t scripts < <(rig_scripts)
	(cd "$VNETMQ_REPO" && shellcheck -x "${scripts[@]}")
}

gate_shellcheck() {
	gate shellcheck "the rig's scripts" "$out/shellcheck.log" check_rig_scripts
}

gate_series() {
	"$VNETMQ_REPO/ci/series-gates.sh"
}

main() {
	local g
	local -a gates=("$@")
	[ ${#gates[@]} -gt 0 ] || gates=("${GATES[@]}")
	prepare_tree
	reset_results gates
	rm -rf "$out" && mkdir -p "$out"
	for g in "${gates[@]}"; do
		declare -F "gate_$g" >/dev/null || die "no gate '$g' (have: ${ALL_GATES[*]})"
		with_progress "gate $g" "" "gate_$g"
	done
	! grep -q '^not ok' "$RESULTS/gates.tap"
}

main "$@"
