#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A gate that cannot fail proves nothing: run each gate's check on a
# deliberately bad sample (ci/samples/) and expect it to fail, and on a
# control where there is one and expect it to pass.  Results are the
# "samples" stage of make test.
#
# usage: gate-samples.sh [SAMPLE...]   default: every sample

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/../tools/lib.sh"
# shellcheck source=ci/checks.sh
. "$(dirname "$0")/checks.sh"

SAMPLES=(unsigned style spdx inline bisect sparse cocci xmastree
	 selftest_dir ynl i386 clang unexported size)
samples=$VNETMQ_REPO/ci/samples
work=$BUILD/samples
out=$LOGS/samples

# expect pass WHAT CHECK...: CHECK passes.
# expect fail WHAT ERE CHECK...: CHECK fails, and for the reason meant:
# its output has a line matching ERE (a sample that fails for another
# reason, say a missing file, proves nothing about its gate).
expect() {
	local want=$1 what=$2 log got=pass why=
	shift 2
	if [ "$want" = fail ]; then
		why=$1
		shift
	fi
	log=$out/$(tr -c 'a-zA-Z0-9\n' _ <<<"$what").log
	"$@" > "$log" 2>&1 || got=fail
	if [ "$got" = fail ] && [ -n "$why" ] && ! grep -qE -- "$why" "$log"; then
		got="fail for another reason than /$why/"
	fi
	if [ "$got" = "$want" ]; then
		result samples 0 "sample: $what: ${want/%s/se}s"
	else
		echo "sample: $what: expected to $want, got $got; output: $log" >&2
		result samples 1 "sample: $what: ${want/%s/se}s (log: $log)"
	fi
}

# A copy of a module sample outside the repository, for its build output.
module_copy() {
	rm -rf "${work:?}/$1"
	mkdir -p "$work"
	cp -r "$samples/$1" "$work/$1"
	echo "$work/$1"
}

sample_unsigned() {
	expect fail "patch without Signed-off-by, greps" 'no Signed-off-by' \
		check_greps "$samples/unsigned.patch"
}

sample_style() {
	expect fail "style error, checkpatch" 'ERROR:SPACING' \
		check_checkpatch "$TREE" "$samples/style.patch"
	expect pass "style error, greps (signed, no inline)" \
		check_greps "$samples/style.patch"
}

# checkpatch asks spdxcheck.py about SPDX tags only in a git tree: the
# series' work tree.
sample_spdx() {
	series_base > /dev/null
	expect fail "unknown SPDX license identifier, checkpatch" \
		'SPDX_LICENSE_TAG' check_checkpatch "$BUILD/series/tree" \
		"$samples/spdx.patch"
}

sample_inline() {
	expect fail "inline in a .c file, greps" 'sample.c:4: inline in a .c file' \
		check_greps "$samples/inline.patch"
}

series_base() {
	[ -f "$BUILD/series/.base" ] || "$VNETMQ_REPO/tools/series.sh" export >&2
	cat "$BUILD/series/.base"
}

# The bisect sample: its first patch does not build, its second does.
sample_bisect() {
	expect fail "series broken in its middle, per-patch build" \
		'^0001-.* build-drivers_net_vnetmq fail' bisect_line "0001-.* fail"
	expect pass "series broken in its middle, builds again after" \
		bisect_line "0002-.* ok"
	expect pass "a posting's last patch, built for i386 too" \
		bisect_line "0002-.* build-i386-drivers_net_vnetmq ok"
	expect pass "a posting's last patch, built with clang too" \
		bisect_line "0002-.* build-clang-drivers_net_vnetmq ok"
}

# bisect_line ERE: the per-patch build results of the bisect sample
# (computed once) have a line matching "PATCH build-DIR ok|fail"; for
# "fail" lines the check itself fails, so "expect fail" reads naturally.
bisect_line() {
	[ -f "$work/bisect.results" ] || {
		mkdir -p "$work"
		"$VNETMQ_REPO/ci/series-gates.sh" --patches "$(series_base)" \
			"$samples"/bisect/*.patch > "$work/bisect.results"
	}
	cat "$work/bisect.results"
	case $1 in
	*fail) ! grep -qE "^$1" "$work/bisect.results" ;;
	*) grep -qE "^$1" "$work/bisect.results" ;;
	esac
}

sample_sparse() {
	local dir
	dir=$(module_copy sparse-rcu)
	expect fail "__rcu pointer read plainly, sparse" \
		'rcu.c:[0-9]+:[0-9]+: warning: incorrect type .*different address spaces' \
		check_sparse "$work/sparse.log" M="$dir" modules
}

sample_cocci() {
	local dir
	dir=$(module_copy cocci)
	expect fail "open-coded ARRAY_SIZE, coccicheck" 'array.c:[0-9]+.*ARRAY_SIZE' \
		check_cocci "$work/cocci.log" "$dir" \
		"$TREE/scripts/coccinelle/misc/array_size.cocci"
}

sample_xmastree() {
	expect fail "declarations out of order, xmastree" \
		'bad.c:6: .*reverse christmas tree' check_xmastree "$samples/xmastree/bad.c"
	expect pass "declaration order fixed by an initializer, xmastree" \
		check_xmastree "$samples/xmastree/good.c"
}

sample_selftest_dir() {
	expect fail "unsorted, unlisted selftest files, check_selftest" \
		'TEST_PROGS is not sorted' check_selftest_dir "$samples/selftest-dir"
}

# flavour_sample SAMPLE FLAVOUR WHAT ERE: a warning only FLAVOUR's
# compiler reports: the x86_64 gcc build passes, the FLAVOUR one fails.
# The driver's generated netlink code, copied, and edited by hand.
sample_ynl() {
	local gen=drivers/net/vnetmq/netlink-gen.c dir=$work/ynl
	mkdir -p "$dir/edited" "$dir/control"
	cp "$TREE/$gen" "$dir/control/"
	sed 's/NLA_POLICY_MAX_LEN(VNETMQ_ECHO_MAX_LEN)/NLA_POLICY_MAX_LEN(2048)/' \
		"$TREE/$gen" > "$dir/edited/netlink-gen.c"
	expect fail "hand-edited generated netlink code, ynl" \
		'netlink-gen.c: not what .* generates' \
		check_ynl "$TREE" "$dir/edited/netlink-gen.c"
	expect pass "generated netlink code as generated, ynl" \
		check_ynl "$TREE" "$dir/control/netlink-gen.c"
}

flavour_sample() {
	local sample=$1 flavour=$2 what=$3 why=$4 dir
	dir=$(module_copy "$sample")
	expect pass "$what, x86_64 gcc W=1" \
		check_build x86_64 "$work/$sample-gcc.log" M="$dir" modules
	expect fail "$what, $flavour W=1" "$why" \
		check_build "$flavour" "$work/$sample.log" M="$dir" modules
}

sample_i386() {
	flavour_sample warn-i386 i386 "%lu for size_t" \
		'format .*%lu.* expects .* has type .unsigned int'
}

sample_clang() {
	flavour_sample warn-clang clang "self-assignment" \
		'self.c:[0-9]+:[0-9]+: .*-Wself-assign'
}

# A module using a symbol the other module of its directory does not
# export: modpost fails the build; once exported, it passes.
sample_unexported() {
	local dir
	local -a mods
	dir=$(module_copy unexported)
	mapfile -t mods < <(module_args x86_64 "$dir")
	expect fail "a symbol a module beside it does not export, modpost" \
		"user.ko: symbol 'sample_helper' undefined" \
		check_build x86_64 "$work/unexported.log" "${mods[@]}"
	expect pass "the symbol exported, modpost" \
		check_build x86_64 "$work/unexported-control.log" "${mods[@]}" \
		SAMPLE_EXPORT=y
}

# file_diff PATH LINES: the diff creating PATH with LINES lines.
file_diff() {
	local path=$1 n=$2
	printf 'diff --git a/%s b/%s\nnew file mode 100644\n' "$path" "$path"
	printf -- '--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n' "$path" "$n"
	seq "$n" | sed 's/^/+int line/'
}

# One change of 601 lines is too big to read in a sitting; a new test
# program of that size is not, nor a 600-line change beside it.
sample_size() {
	{
		printf 'Subject: [PATCH] sample: a big patch\n\n---\n'
		file_diff drivers/net/vnetmq/big.c 601
	} > "$work/big.patch"
	{
		printf 'Subject: [PATCH] sample: a big patch\n\n---\n'
		file_diff tools/testing/selftests/drivers/net/vnetmq/big.sh 900
		file_diff drivers/net/vnetmq/big.c 600
	} > "$work/big-test.patch"
	expect fail "a 601-line change, patch size" \
		'big.patch: 601 lines changed, more than 600' \
		check_patch_size "$work/big.patch"
	expect pass "a 900-line new selftest and a 600-line change, patch size" \
		check_patch_size "$work/big-test.patch"
}

main() {
	local s
	local -a run=("$@")
	[ ${#run[@]} -gt 0 ] || run=("${SAMPLES[@]}")
	prepare_tree
	reset_results samples
	rm -rf "$out" "$work" && mkdir -p "$out" "$work"
	for s in "${run[@]}"; do
		declare -F "sample_$s" >/dev/null || die "no sample '$s' (have: ${SAMPLES[*]})"
		with_progress "sample $s" "" "sample_$s"
	done
	! grep -q '^not ok' "$RESULTS/samples.tap"
}

main "$@"
