#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and extract Debian's linux-source-<version> package into the cache
# through the rig's private apt set-up (tools/debian-apt.sh), and print
# the extracted tree's path.  Offline once the tree is there.
#
# usage: fetch-kernel.sh CACHE_DIR VERSION

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tools/debian-apt.sh
. "$(dirname "$0")/debian-apt.sh"

[ $# -eq 2 ] || die "usage: $0 CACHE_DIR VERSION"
cache=$1
want=$2

# The pinned package if either suite still has it, else the newest 7.x.
pick_package() {
	local newest
	if apt_private apt-cache show "linux-source-$want" >/dev/null 2>&1; then
		echo "linux-source-$want"
		return
	fi
	newest=$(apt_private apt-cache pkgnames linux-source-7. 2>/dev/null |
		sort -V | tail -n 1)
	[ -n "$newest" ] ||
		die "neither linux-source-$want nor any linux-source-7.* is in sid or experimental"
	note "linux-source-$want has left sid and experimental; using $newest instead"
	echo "$newest"
}

download() {
	local pkg=$1 archives=$APT_DIR/cache/archives
	(cd "$archives" && with_progress "download $pkg" "$archives" \
		apt_private apt-get download "$pkg" >&2) ||
		die "apt-get download $pkg failed; see the output above"
	find "$archives" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n 1
}

extract() {
	local deb=$1 ver=$2 dir=$3 tarball
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	dpkg-deb -x "$deb" "$dir.tmp/pkg"
	tarball=$(find "$dir.tmp/pkg/usr/src" -maxdepth 1 -name "linux-source-$ver.tar.*")
	[ -n "$tarball" ] || die "$deb holds no linux-source-$ver tarball"
	with_progress "extract $(basename "$tarball")" "$dir.tmp" \
		tar -C "$dir.tmp" -xf "$tarball"
	rm -rf "$dir"
	mv "$dir.tmp/linux-source-$ver" "$dir"
	rm -rf "$dir.tmp"
	# The tree is read-only from here on: builds overlay it, never edit it.
	dpkg-deb -f "$deb" Version > "$dir/.vnetmq-complete"
}

main() {
	local pkg ver dir deb
	# Offline and fast when the pinned tree is already here.
	if [ -f "$cache/linux-$want/.vnetmq-complete" ]; then
		echo "$cache/linux-$want"
		return
	fi
	apt_private_setup "$cache"
	pkg=$(pick_package)
	ver=${pkg#linux-source-}
	dir=$cache/linux-$ver
	if [ ! -f "$dir/.vnetmq-complete" ]; then
		deb=$(download "$pkg")
		extract "$deb" "$ver" "$dir"
	fi
	echo "$dir"
}

main
