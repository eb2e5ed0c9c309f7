#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The fetchers on an empty cache, in any order, through the private apt
# set-up that tools/debian-apt.sh alone owns.

# shellcheck disable=SC2154 # output, lines, stderr: set by bats' run
load helpers

@test "fetch: sparse first on an empty cache (it sets up apt itself)" {
	debian_sources
	run -0 "$REPO/tools/fetch-sparse.sh" "$CACHE"
	[ "${lines[-1]}" = "$CACHE/sparse/sparse" ]
	[ -x "$CACHE/sparse/sparse" ]
	[ "$(calls 'apt-get .* update')" = 1 ]
}

@test "fetch: kernel on an empty cache, then offline" {
	debian_sources
	run -0 "$REPO/tools/fetch-kernel.sh" "$CACHE" 7.3
	[ "${lines[-1]}" = "$CACHE/linux-7.3" ]
	[ -f "$CACHE/linux-7.3/Makefile" ]
	[ "$(cat "$CACHE/linux-7.3/.vnetmq-complete")" = 7.3-1 ]
	: > "$STUB_LOG"
	rm -rf "$STUB_ETC"
	run -0 "$REPO/tools/fetch-kernel.sh" "$CACHE" 7.3
	[ "${lines[-1]}" = "$CACHE/linux-7.3" ]
	[ ! -s "$STUB_LOG" ]
}

@test "fetch: lists refreshed once a day, and when the mirror changes" {
	debian_sources
	run -0 "$REPO/tools/fetch-sparse.sh" "$CACHE"
	rm -rf "$CACHE/sparse"
	run -0 "$REPO/tools/fetch-sparse.sh" "$CACHE"
	[ "$(calls 'apt-get .* update')" = 1 ]
	touch -d '2 days ago' "$CACHE/apt/lists/.vnetmq-refreshed"
	rm -rf "$CACHE/sparse"
	run -0 "$REPO/tools/fetch-sparse.sh" "$CACHE"
	[ "$(calls 'apt-get .* update')" = 2 ]
	rm -rf "$CACHE/sparse"
	VNETMQ_DEBIAN_MIRROR=http://other.invalid/debian \
		run -0 "$REPO/tools/fetch-sparse.sh" "$CACHE"
	[ "$(calls 'apt-get .* update')" = 3 ]
	grep -qx http://other.invalid/debian "$CACHE/apt/lists/stub-mirrors"
}

@test "fetch: pinned linux-source missing, the newest 7.x with a note" {
	debian_sources
	STUB_PACKAGES="linux-source-7.1 linux-source-7.10 linux-source-7.2 linux-source-6.12" \
		run -0 --separate-stderr "$REPO/tools/fetch-kernel.sh" "$CACHE" 7.3
	[ "$output" = "$CACHE/linux-7.10" ]
	[[ $stderr == *"linux-source-7.3 has left sid and experimental; using linux-source-7.10 instead"* ]]
	[ -f "$CACHE/linux-7.10/.vnetmq-complete" ]
}

@test "fetch: no linux-source-7.x at all, a clear error" {
	debian_sources
	STUB_PACKAGES="linux-source-6.12" run -1 "$REPO/tools/fetch-kernel.sh" "$CACHE" 7.3
	[[ $output == *"neither linux-source-7.3 nor any linux-source-7.* is in sid or experimental"* ]]
	[ ! -e "$CACHE/linux-7.3" ]
}
