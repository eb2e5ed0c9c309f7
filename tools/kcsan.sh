#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the driver's KUnit suites a second time, under KCSAN, the kernel's
# data race detector.  UML has no KCSAN, so this kernel is x86_64
# (kunit/kcsan.config, built into $BUILD/kcsan-kernel through ccache)
# and QEMU boots it with TCG on two vCPUs (tools/qemu-tcg.sh says why
# not KVM).  Results go to $RESULTS/kcsan.tap as the KUnit stage's do; a
# KCSAN report, or any other kernel report (tools/scan-log.sh), fails the
# stage even when every case passed: KCSAN only prints.
#
# usage: kcsan.sh [FILTER_GLOB...]   e.g. kcsan.sh 'vnetmq_poll*'
# With several globs, one boot runs each: KUnit takes one glob per boot.

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"
use_kcsan_kernel

console=$LOGS/kcsan.console.log
reports=$LOGS/kcsan.reports.log

# kunit.py runs "qemu-system-x86_64" from PATH: ours forces TCG.
use_qemu_shim() {
	local bin=$BUILD/kcsan-bin
	VNETMQ_QEMU=$(command -v qemu-system-x86_64) || die \
		"qemu-system-x86_64 is not installed: run 'make setup' as root (or: sudo apt-get install -y qemu-system-x86)"
	[ -f /usr/share/qemu/qboot.rom ] || die \
		"QEMU's qboot.rom (kunit.py boots with -bios qboot.rom) is missing: sudo apt-get install -y qemu-system-data"
	mkdir -p "$bin"
	ln -sf "$VNETMQ_REPO/tools/qemu-tcg.sh" "$bin/qemu-system-x86_64"
	export VNETMQ_QEMU PATH=$bin:$PATH
}

# Fail loudly when the .config lacks KCSAN: kunit.py's own complaint
# ("Missing: CONFIG_KCSAN=y") does not say why it can go missing.
check_kcsan_config() {
	grep -qx 'CONFIG_KCSAN=y' "$KBUILD/.config" 2>/dev/null && return
	note "KCSAN is not enabled in $KBUILD/.config after olddefconfig."
	note "It needs gcc 11+ or clang 12+ (-fsanitize=thread), DEBUG_KERNEL and no KASAN or KMSAN:"
	note "check kunit/kcsan.config and $LOGS/$KNAME-config.log, then run make kcsan again."
	return 1
}

build() {
	if ! build_kernel; then
		check_kcsan_config || true
		result kcsan 1 "kcsan: the KCSAN kernel did not build (log: $LOGS/$KNAME-build.log)"
		return 1
	fi
	check_kcsan_config || {
		result kcsan 1 "kcsan: CONFIG_KCSAN=y in $KBUILD/.config"
		return 1
	}
}

# json_for GLOB N: where kunit.py's JSON of the boot for GLOB goes:
# kcsan.json for a single boot, else one file per glob.
json_for() {
	if [ "$2" = 1 ]; then
		echo "$LOGS/kcsan.json"
	else
		echo "$LOGS/kcsan-${1//[^A-Za-z0-9_]/_}.json"
	fi
}

# run_one GLOB JSON: one boot; its console is appended to $console, its
# cases to kcsan.tap.
run_one() {
	local glob=$1 json=$2 rc=0
	kunit_boot "$json" --kernel_args panic=-1 \
		--timeout "${VNETMQ_KCSAN_TIMEOUT:-1800}" "$glob" || rc=$?
	[ ! -f "$KBUILD/test.log" ] || cat "$KBUILD/test.log" >> "$console"
	[ ! -f "$json" ] || "$PY" "$VNETMQ_REPO/tools/kunit-results.py" \
		"$json" kcsan >> "$RESULTS/kcsan.tap"
	return "$rc"
}

run_suites() {
	local glob rc=0
	local -a globs=("$@")
	[ $# -gt 0 ] || globs=("")
	for glob in "${globs[@]}"; do
		run_one "$glob" "$(json_for "$glob" ${#globs[@]})" || rc=$?
	done
	return "$rc"
}

# A boot that never switched KCSAN on would pass without finding races.
check_kcsan_live() {
	grep -q 'kcsan: enabled early' "$console" && return
	result kcsan 1 "kcsan: KCSAN switched on at boot (no 'kcsan: enabled early' in $console)"
	return 1
}

# Each KCSAN report whole in $reports, and their titles (the two racing
# functions) counted on stderr.  The kernel has no debug info, to keep
# the build short: for file:line, rebuild with CONFIG_DEBUG_INFO_DWARF5
# and feed $reports to scripts/decode_stacktrace.sh.
list_races() {
	awk 'r && /={20,}[[:space:]]*$/ { print; r = 0 }
	     /BUG: KCSAN:/ { r = 1; print "" }
	     r' "$console" > "$reports"
	[ -s "$reports" ] || return 0
	note "KCSAN reports (whole, with stacks: $reports):"
	grep -o 'BUG: KCSAN:.*' "$reports" | sort | uniq -c >&2
}

main() {
	local rc=0
	use_qemu_shim
	prepare_tree
	reset_results kcsan
	rm -f "$console" "$reports" "$LOGS"/kcsan*.json
	if build; then
		run_suites "$@" || rc=$?
	else
		rc=1
	fi
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$RESULTS/kcsan.tap"; then
		result kcsan 1 "kcsan: kunit.py exited with $rc (a build failure, a crash or the timeout: see the output above and $console)"
	fi
	if [ -f "$console" ]; then
		check_kcsan_live || rc=1
		list_races
		"$VNETMQ_REPO/tools/scan-log.sh" kcsan "$console" || rc=1
	fi
	note "results: $RESULTS/kcsan.tap, console: $console"
	return "$rc"
}

main "$@"
