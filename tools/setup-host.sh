#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the rig needs from Debian bookworm, once.  As root it runs
# apt-get; as anyone else it prints the line to run and stops.  Then it
# builds a sparse new enough for kernel 7.x (bookworm's 0.6.4 is not:
# the kernel silently skips the check with it) from Debian's sid source.

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

# coccinelle's scripts with OCaml parts need the compiler (ocaml-nox),
# which is only a Recommends of the coccinelle package.  checkpatch's
# spdxcheck.py needs python3-ply and python3-git: without GitPython it
# dies, unseen, and checkpatch takes every SPDX tag as valid.  The
# kernel's YNL tools need python3-yaml (the selftests' CLI) and, to
# generate code from a spec, python3-jsonschema; NIPA lints specs with
# yamllint.  make kcsan boots an x86_64 kernel in qemu-system-x86 (its
# qemu-system-data dependency has the qboot.rom kunit.py asks for).
# The pair selftest pings across a pair (iputils-ping).
packages=(build-essential bc bison flex libelf-dev libssl-dev ccache
	  rsync xz-utils python3 iproute2 ethtool kmod iputils-ping
	  coccinelle ocaml-nox codespell shellcheck bats python3-ply
	  python3-git pylint git git-absorb gcc-i686-linux-gnu clang-19
	  lld-19 llvm-19 python3-yaml python3-jsonschema yamllint
	  qemu-system-x86)

# make bench draws its chart with matplotlib (setup-host.sh bench);
# make coverage's clang links the profile runtime into the kernel
# (setup-host.sh coverage); the tree's driver selftests that make
# mainline runs use socat, iperf3 and bpftool (setup-host.sh mainline),
# and a newer ethtool than bookworm's (tools/fetch-ethtool.sh).
bench_packages=(python3-matplotlib)
coverage_packages=(libclang-rt-19-dev)
mainline_packages=(socat iperf3 bpftool)

missing_packages() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_packages() {
	local -a missing
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] && return
	if [ "$(id -u)" != 0 ]; then
		echo "The rig needs Debian packages that are not installed. Run:" >&2
		echo "  sudo apt-get install -y ${missing[*]}" >&2
		echo "then run make again." >&2
		exit 1
	fi
	note "installing ${missing[*]}"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2
}

main() {
	case ${1:-} in
	"") ;;
	bench) packages+=("${bench_packages[@]}") ;;
	coverage) packages+=("${coverage_packages[@]}") ;;
	mainline) packages+=("${mainline_packages[@]}") ;;
	*) die "usage: $0 [bench|coverage|mainline]" ;;
	esac
	install_packages
	"$VNETMQ_REPO/tools/fetch-sparse.sh" "$VNETMQ_CACHE" >/dev/null
	ccache --max-size=8G >/dev/null
}

main "$@"
