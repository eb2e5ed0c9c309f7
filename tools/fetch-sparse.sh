#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build sparse from Debian sid's source package into the cache and print
# its path.  Kernel 7.x needs __typeof_unqual__ support (sparse 0.6.5);
# with an older sparse, C=1 builds print a one-line warning and check
# nothing.
#
# usage: fetch-sparse.sh CACHE_DIR

set -euo pipefail

die() { echo "fetch-sparse: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 CACHE_DIR"
cache=$1
apt_dir=$cache/apt
out=$cache/sparse/sparse

build_sparse() {
	local work=$cache/sparse.tmp orig
	rm -rf "$work" && mkdir -p "$work"
	(cd "$work" && apt-get -q \
		-o "Dir::Etc::SourceList=$apt_dir/sources.list" \
		-o "Dir::Etc::SourceParts=-" \
		-o "Dir::State::Lists=$apt_dir/lists" \
		-o "Dir::Cache=$apt_dir/cache" \
		-o "Debug::NoLocking=1" \
		source --download-only sparse >&2) ||
		die "apt-get source sparse failed; run tools/fetch-kernel.sh first (it sets up $apt_dir)"
	orig=$(find "$work" -maxdepth 1 -name 'sparse_*.orig.tar.*' | head -n 1)
	tar -C "$work" -xf "$orig"
	make -C "$work"/sparse-*/ -j"$(nproc)" sparse >&2 ||
		die "building sparse failed; see the output above"
	rm -rf "$cache/sparse"
	mkdir -p "$cache/sparse"
	cp "$work"/sparse-*/sparse "$out"
	rm -rf "$work"
}

[ -x "$out" ] || build_sparse
echo "$out"
