# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What every rig script shares: where things are, and how to fail.
# Paths can be overridden from the environment (the Makefile exports them).

VNETMQ_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$VNETMQ_REPO/build}
KVER=${KVER:-7.3}
KSRC=${KSRC:-}
VNETMQ_CACHE=${VNETMQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vnetmq}
TREE=$BUILD/src
KBUILD=$BUILD/kernel
RESULTS=$BUILD/results
LOGS=$BUILD/logs
# The host's own python: the pyenv shims on PATH do not work inside UML.
PY=${PY:-/usr/bin/python3}

export CCACHE_BASEDIR=$VNETMQ_REPO CCACHE_NOHASHDIR=1

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

note() {
	echo "${0##*/}: $*" >&2
}

# The kernel tree to build: KSRC if given, else Debian's pinned source.
pristine_tree() {
	if [ -n "$KSRC" ]; then
		[ -d "$KSRC" ] || die "KSRC=$KSRC is not a directory"
		echo "$KSRC"
	else
		"$VNETMQ_REPO/tools/fetch-kernel.sh" "$VNETMQ_CACHE" "$KVER"
	fi
}

prepare_tree() {
	local src
	src=$(pristine_tree) || exit 1
	"$VNETMQ_REPO/tools/prepare-tree.sh" "$src" "$TREE" "$VNETMQ_REPO"
}

# kunit.py on the rig kernel: one build serves KUnit and e2e.
kunit_py() {
	local cmd=$1
	shift
	(cd "$TREE" && "$PY" tools/testing/kunit/kunit.py "$cmd" \
		--build_dir="$KBUILD" \
		--kunitconfig=. \
		--kunitconfig="$VNETMQ_REPO/kunit/debug.config" \
		--kunitconfig="$VNETMQ_REPO/kunit/e2e.config" \
		--make_options "CC=ccache gcc" \
		--jobs "$(nproc)" "$@")
}

# Results are flat TAP lines, one file per stage, counted by report.py.
result() {
	local stage=$1 ok=$2 name=$3
	mkdir -p "$RESULTS"
	if [ "$ok" = 0 ]; then
		echo "ok - $name" >> "$RESULTS/$stage.tap"
	else
		echo "not ok - $name" >> "$RESULTS/$stage.tap"
	fi
}

reset_results() {
	mkdir -p "$RESULTS" "$LOGS"
	: > "$RESULTS/$1.tap"
}
