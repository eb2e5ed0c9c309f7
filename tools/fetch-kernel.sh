#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and extract Debian's linux-source-<version> package into the cache,
# without touching the machine's apt configuration: a private sources.list,
# private lists and archive cache.  Prints the extracted tree's path.
#
# usage: fetch-kernel.sh CACHE_DIR VERSION

set -euo pipefail

die() { echo "fetch-kernel: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 CACHE_DIR VERSION"
cache=$1
want=$2
apt_dir=$cache/apt
mirror=${VNETMQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}

apt_opts() {
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$apt_dir/sources.list" \
		-o "Dir::Etc::SourceParts=-" \
		-o "Dir::State::Lists=$apt_dir/lists" \
		-o "Dir::Cache=$apt_dir/cache" \
		-o "Debug::NoLocking=1" \
		-o "APT::Get::List-Cleanup=0"
}

apt_private() {
	local -a opts
	mapfile -t opts < <(apt_opts)
	apt-get -q "${opts[@]}" "$@"
}

apt_setup() {
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	cat > "$apt_dir/sources.list" <<EOS
deb $mirror sid main
deb $mirror experimental main
deb-src $mirror sid main
EOS
	# Refresh at most once a day: the lists are 100 MB.
	if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		apt_private update >&2 || die "apt-get update failed for $mirror (network? set VNETMQ_DEBIAN_MIRROR)"
	fi
}

# The pinned package if either suite still has it, else the newest 7.x.
pick_package() {
	local -a opts
	mapfile -t opts < <(apt_opts)
	if apt-cache "${opts[@]}" show "linux-source-$want" >/dev/null 2>&1; then
		echo "linux-source-$want"
		return
	fi
	local newest
	newest=$(apt-cache "${opts[@]}" pkgnames linux-source-7. 2>/dev/null | sort -V | tail -n 1)
	[ -n "$newest" ] || die "neither linux-source-$want nor any linux-source-7.* is in sid/experimental"
	echo "fetch-kernel: linux-source-$want has left sid and experimental; using $newest instead" >&2
	echo "$newest"
}

main() {
	local pkg ver dir deb tarball
	# Offline and fast when the pinned tree is already here.
	if [ -f "$cache/linux-$want/.vnetmq-complete" ]; then
		echo "$cache/linux-$want"
		return
	fi
	apt_setup
	pkg=$(pick_package)
	ver=${pkg#linux-source-}
	dir=$cache/linux-$ver
	if [ -f "$dir/.vnetmq-complete" ]; then
		echo "$dir"
		return
	fi
	(cd "$apt_dir/cache/archives" && apt_private download "$pkg" >&2) ||
		die "apt-get download $pkg failed"
	deb=$(find "$apt_dir/cache/archives" -maxdepth 1 -name "${pkg}_*.deb" |
		sort -V | tail -n 1)
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	dpkg-deb -x "$deb" "$dir.tmp/pkg"
	tarball=$(find "$dir.tmp/pkg/usr/src" -maxdepth 1 -name "linux-source-$ver.tar.*")
	echo "fetch-kernel: extracting $(basename "$tarball")" >&2
	tar -C "$dir.tmp" -xf "$tarball"
	rm -rf "$dir"
	mv "$dir.tmp/linux-source-$ver" "$dir"
	rm -rf "$dir.tmp"
	# The tree is read-only from here on: builds overlay it, never edit it.
	dpkg-deb -f "$deb" Version > "$dir/.vnetmq-complete"
	echo "$dir"
}

main
