#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The static gates netdev's CI (NIPA) runs, scoped to vnetmq: checkpatch,
# a W=1 x86_64 build of the driver under sparse, coccicheck, kernel-doc,
# and shellcheck on the rig's own scripts.  Each failure names the gate
# and the file:line; outputs are kept under $LOGS/gates/.
#
# usage: gates.sh [GATE...]   gates: checkpatch sparse coccicheck kerneldoc shellcheck

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/../tools/lib.sh"

out=$LOGS/gates
x86=$BUILD/x86
codespell_dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
driver=drivers/net/vnetmq

driver_files() {
	(cd "$VNETMQ_REPO" && find "$driver" -name '*.[ch]' | sort)
}

gate_fail() {
	local gate=$1 what=$2 log=$3
	[ -s "$log" ] && sed "s|^|$gate: |" "$log" >&2
	result gates 1 "gate $gate: $what (full output: $log)"
}

# checkpatch with the flags NIPA uses; clean is 0 errors, 0 warnings, 0 checks.
gate_checkpatch() {
	local f log rc
	local -a files
	mapfile -t files < <(driver_files)
	files+=("$driver/Makefile" Documentation/networking/vnetmq.rst)
	for f in "${files[@]}"; do
		[ -f "$VNETMQ_REPO/$f" ] || continue
		log=$out/checkpatch.${f//\//_}.log
		rc=0
		(cd "$TREE" && ./scripts/checkpatch.pl -f --terse \
			--strict --codespell --codespellfile="$codespell_dict" \
			--max-line-length=80 \
			--ignore=COMMIT_LOG_LONG_LINE,MACRO_ARG_REUSE,ALLOC_SIZEOF_STRUCT,NO_AUTHOR_SIGN_OFF,GIT_COMMIT_ID,CAMELCASE,FILE_PATH_CHANGES,BAD_REPORTED_BY_LINK \
			--show-types "$f") > "$log" 2>&1 || rc=$?
		if [ "$rc" != 0 ] || grep -qE ': (ERROR|WARNING|CHECK):' "$log"; then
			gate_fail checkpatch "$f" "$log"
		else
			result gates 0 "gate checkpatch: $f"
		fi
	done
}

# An x86_64 config with vnetmq and its tests as modules, prepared once.
prepare_x86() {
	local stamp=$x86/.vnetmq-prepared
	if [ -f "$stamp" ] && [ "$stamp" -nt "$VNETMQ_REPO/Kconfig" ]; then
		return
	fi
	mkdir -p "$x86"
	make -C "$TREE" O="$x86" CC="ccache gcc" defconfig >/dev/null
	"$TREE/scripts/config" --file "$x86/.config" --enable KUNIT \
		--module VNETMQ --module VNETMQ_KUNIT_TEST
	make -C "$TREE" O="$x86" CC="ccache gcc" olddefconfig >/dev/null
	grep -q '^CONFIG_VNETMQ=m' "$x86/.config" ||
		die "CONFIG_VNETMQ did not survive olddefconfig on x86_64"
	make -C "$TREE" O="$x86" CC="ccache gcc" -j"$(nproc)" \
		modules_prepare >/dev/null
	touch "$stamp"
}

# W=1 build of the driver with sparse on every file (C=2).  Sparse that is
# too old is switched off with one line, so no CHECK line means failure.
gate_sparse() {
	local log=$out/sparse-w1.log sparse rc=0
	sparse=$("$VNETMQ_REPO/tools/fetch-sparse.sh" "$VNETMQ_CACHE")
	prepare_x86
	make -C "$TREE" O="$x86" CC="ccache gcc" W=1 C=2 CHECK="$sparse" \
		-j"$(nproc)" "$driver/" > "$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		gate_fail sparse "W=1 build of $driver failed" "$log"
	elif ! grep -q '^  CHECK ' "$log"; then
		gate_fail sparse "sparse checked nothing (is $sparse too old?)" "$log"
	elif grep -E '(warning|error):' "$log" > "$log.found"; then
		gate_fail sparse "W=1/sparse warnings in $driver" "$log.found"
	else
		result gates 0 "gate sparse: W=1 C=2 build of $driver"
	fi
}

# coccicheck exits 0 even with findings: any line naming a source file and
# line is one.  With M= it names files relative to the driver directory.
gate_coccicheck() {
	local log=$out/coccicheck.log rc=0
	make -C "$TREE" coccicheck MODE=report M="$driver/" \
		J="$(nproc)" > "$log" 2>&1 || rc=$?
	{ grep -E '^[^ ]*\.[ch]:[0-9]+' "$log" || true; } |
		sed "s|^\./|$driver/|" > "$log.found"
	if [ "$rc" != 0 ]; then
		gate_fail coccicheck "make coccicheck failed" "$log"
	elif [ -s "$log.found" ]; then
		gate_fail coccicheck "findings in $driver" "$log.found"
	else
		result gates 0 "gate coccicheck: $driver"
	fi
}

gate_kerneldoc() {
	local log=$out/kernel-doc.log
	local -a files
	mapfile -t files < <(driver_files)
	(cd "$VNETMQ_REPO" && "$TREE/scripts/kernel-doc" -Wall -none \
		"${files[@]}") > "$log" 2>&1 || true
	if [ -s "$log" ]; then
		gate_fail kernel-doc "warnings in $driver" "$log"
	else
		result gates 0 "gate kernel-doc: $driver"
	fi
}

gate_shellcheck() {
	local log=$out/shellcheck.log
	local -a scripts
	mapfile -t scripts < <(cd "$VNETMQ_REPO" &&
		git ls-files --cached --others --exclude-standard '*.sh' '*.bats' \
			'tools/tests/stubs/*' .ci/run |
		sort -u)
	if (cd "$VNETMQ_REPO" && shellcheck -x "${scripts[@]}") > "$log" 2>&1; then
		result gates 0 "gate shellcheck: ${#scripts[@]} scripts"
	else
		gate_fail shellcheck "findings in the rig's scripts" "$log"
	fi
}

main() {
	local g
	local -a gates=("$@")
	[ ${#gates[@]} -gt 0 ] || gates=(checkpatch sparse coccicheck kerneldoc shellcheck)
	prepare_tree
	reset_results gates
	rm -rf "$out" && mkdir -p "$out"
	for g in "${gates[@]}"; do
		declare -F "gate_$g" >/dev/null || die "no gate '$g' (have: checkpatch sparse coccicheck kerneldoc shellcheck)"
		with_progress "gate $g" "" "gate_$g"
	done
	! grep -q '^not ok' "$RESULTS/gates.tap"
}

main "$@"
