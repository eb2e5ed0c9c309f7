#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian unstable's ethtool into the cache, unpacked, through the
# rig's private apt set-up (tools/debian-apt.sh), and print the directory
# of its binary.  The driver selftests use ethtool --json for -g, -l, -c
# and -x, which bookworm's 6.1 refuses; sid's binary depends only on
# libc6 (>= 2.34) and libmnl0, so it runs on bookworm from the cache.
# The system's ethtool is never touched.  Offline once unpacked.
#
# usage: fetch-ethtool.sh CACHE_DIR

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tools/debian-apt.sh
. "$(dirname "$0")/debian-apt.sh"

[ $# -eq 1 ] || die "usage: $0 CACHE_DIR"
cache=$1

main() {
	local archives deb dir
	dir=$(find "$cache" -maxdepth 1 -name 'ethtool-*' -type d 2>/dev/null |
		sort -V | tail -n 1)
	if [ -n "$dir" ] && [ -f "$dir/.vnetmq-complete" ]; then
		echo "$dir/usr/sbin"
		return
	fi
	apt_private_setup "$cache"
	archives=$APT_DIR/cache/archives
	(cd "$archives" && apt_private apt-get download ethtool >&2) ||
		die "apt-get download ethtool from sid failed; see the output above"
	deb=$(find "$archives" -maxdepth 1 -name 'ethtool_*.deb' | sort -V |
		tail -n 1)
	[ -n "$deb" ] || die "no ethtool .deb in $archives after the download"
	dir=$cache/ethtool-$(dpkg-deb -f "$deb" Version | tr ':' '_')
	rm -rf "$dir" && mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
	"$dir/usr/sbin/ethtool" --version >/dev/null ||
		die "$dir/usr/sbin/ethtool does not run here (its Depends: $(dpkg-deb -f "$deb" Depends))"
	touch "$dir/.vnetmq-complete"
	echo "$dir/usr/sbin"
}

main
