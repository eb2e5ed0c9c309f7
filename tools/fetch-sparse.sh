#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build sparse from Debian sid's source package into the cache and print
# its path.  Kernel 7.x needs __typeof_unqual__ support (sparse 0.6.5);
# with an older sparse, C=1 builds print a one-line warning and check
# nothing.  Sets up the private apt configuration itself
# (tools/debian-apt.sh): it may run before any other fetch.
#
# usage: fetch-sparse.sh CACHE_DIR

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tools/debian-apt.sh
. "$(dirname "$0")/debian-apt.sh"

[ $# -eq 1 ] || die "usage: $0 CACHE_DIR"
cache=$1
out=$cache/sparse/sparse

build_sparse() {
	local work=$cache/sparse.tmp orig
	apt_private_setup "$cache"
	rm -rf "$work" && mkdir -p "$work"
	(cd "$work" && apt_private apt-get source --download-only sparse >&2) ||
		die "apt-get source sparse failed; see the output above"
	orig=$(find "$work" -maxdepth 1 -name 'sparse_*.orig.tar.*' | head -n 1)
	[ -n "$orig" ] || die "Debian's sparse source has no orig tarball in $work"
	tar -C "$work" -xf "$orig"
	make -C "$work"/sparse-*/ -j"$(nproc)" sparse > "$work/build.log" 2>&1 || {
		cat "$work/build.log" >&2
		die "building sparse failed; see the output above"
	}
	mkdir -p "$cache/sparse"
	cp "$work"/sparse-*/sparse "$out.tmp"
	mv -f "$out.tmp" "$out"
	rm -rf "$work"
}

[ -x "$out" ] || build_sparse
echo "$out"
