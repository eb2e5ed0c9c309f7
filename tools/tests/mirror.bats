#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The rig takes Debian's mirror from the machine's apt sources (or
# VNETMQ_DEBIAN_MIRROR) and writes no host of its own.

# shellcheck disable=SC2154 # output, lines, stderr: set by bats' run
load helpers

@test "mirror: deb822 file, security and foreign archives skipped" {
	cat > "$STUB_ETC/sources.list.d/a-vendor.sources" <<EOS
Types: deb
URIs: http://vendor.invalid/apt
Suites: nodistro
Components: main
EOS
	cat > "$STUB_ETC/sources.list.d/b-security.sources" <<EOS
Types: deb
URIs: http://security.invalid/debian-security
Suites: bookworm-security
Components: main
EOS
	debian_sources
	run -0 apt_lib debian_mirror
	[ "$output" = "$MIRROR" ]
}

@test "mirror: one-line sources.list with options and a trailing slash" {
	cat > "$STUB_ETC/sources.list" <<EOS
# deb http://old.invalid/debian bookworm main
deb http://security.invalid/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://vendor.invalid/apt cloud-sdk-bookworm main
deb-src $MIRROR/ bookworm main
 deb [arch=amd64] $MIRROR/ bookworm main contrib
EOS
	run -0 apt_lib debian_mirror
	[ "$output" = "$MIRROR" ]
}

@test "mirror: a disabled deb822 stanza is not taken" {
	cat > "$STUB_ETC/sources.list.d/debian.sources" <<EOS
Enabled: no
Types: deb
URIs: http://disabled.invalid/debian
Suites: bookworm

Types: deb deb-src
URIs: $MIRROR
  http://second.invalid/debian
Suites: trixie
EOS
	run -0 apt_lib debian_mirror
	[ "$output" = "$MIRROR" ]
}

@test "mirror: VNETMQ_DEBIAN_MIRROR overrides apt's sources" {
	debian_sources
	VNETMQ_DEBIAN_MIRROR=http://override.invalid/debian/ run -0 apt_lib debian_mirror
	[ "$output" = http://override.invalid/debian ]
}

@test "mirror: none found, the error names VNETMQ_DEBIAN_MIRROR" {
	cat > "$STUB_ETC/sources.list" <<EOS
deb http://security.invalid/debian-security bookworm-security main
deb http://archive.invalid/ubuntu jammy main
EOS
	run -1 apt_lib debian_mirror
	[[ $output == *"no Debian archive in apt's sources"* ]]
	[[ $output == *"set VNETMQ_DEBIAN_MIRROR"* ]]
}

@test "mirror: the fetchers use it, and the repository names no package host" {
	debian_sources
	run -0 "$REPO/tools/fetch-kernel.sh" "$CACHE" 7.3
	grep -qx "deb $MIRROR sid main" "$CACHE/apt/sources.list"
	grep -qx "deb-src $MIRROR sid main" "$CACHE/apt/sources.list"
	run git -C "$REPO" grep -nE '(deb|ftp|security|snapshot)\.debian\.org|debian\.(map\.)?fastly|mirrors?\.[a-z]+\.(com|net|org)/debian'
	[ "$status" = 1 ]
}
