# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Set-up shared by the rig's own tests: every test gets an empty cache and
# build directory, the stand-ins in stubs/ ahead of the real apt, dpkg
# and id on PATH, and a machine whose apt sources are $STUB_ETC's.

# shellcheck disable=SC2154 # output, lines, stderr: set by bats' run
bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# Hosts in these tests are reserved names (RFC 2606): nothing resolves.
MIRROR=http://mirror.invalid/debian

setup() {
	export STUB_LOG=$BATS_TEST_TMPDIR/stub.log
	export STUB_ETC=$BATS_TEST_TMPDIR/etc
	export STUB_PACKAGES=linux-source-7.3
	export PATH=$BATS_TEST_DIRNAME/stubs:$PATH
	export BUILD=$BATS_TEST_TMPDIR/build
	export VNETMQ_CACHE=$BATS_TEST_TMPDIR/cache
	# shellcheck disable=SC2034 # the .bats files read it
	CACHE=$VNETMQ_CACHE
	unset VNETMQ_DEBIAN_MIRROR KSRC
	mkdir -p "$STUB_ETC/sources.list.d"
	: > "$STUB_LOG"
}

# A bookworm machine's apt set-up as Debian's installer writes it.
debian_sources() {
	cat > "$STUB_ETC/sources.list.d/debian.sources" <<EOS
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $MIRROR-security
Suites: bookworm-security
Components: main
EOS
}

# A kernel source with just the lines tools/prepare-tree.sh anchors on.
fake_kernel_source() {
	local k=$1
	mkdir -p "$k/drivers/net" "$k/Documentation/networking" \
		"$k/Documentation/userspace-api/ioctl" "$k/tools/testing/selftests" \
		"$k/Documentation/netlink/specs" "$k/tools/net/ynl" \
		"$k/include/uapi/linux"
	echo "# kernel" > "$k/Makefile"
	printf 'config VETH\n\ttristate "veth"\n\nendif # NET_CORE\n' \
		> "$k/drivers/net/Kconfig"
	cat > "$k/drivers/net/Makefile" <<'EOF'
obj-$(CONFIG_VETH) += veth.o
EOF
	printf '3C59X NETWORK DRIVER\nS:\tOdd fixes\n\nZZZ DRIVER\nS:\tOdd fixes\n' \
		> "$k/MAINTAINERS"
	printf '   udplite\n   vrf\n' > "$k/Documentation/networking/index.rst"
	# shellcheck disable=SC2016 # make syntax, for make
	printf '%s\n' 'TARGETS += drivers/net/virtio_net' '' \
		'ifneq ($(filter net drivers/net drivers/net/hw,$(TARGETS)),)' \
		'	INSTALL_DEP_TARGETS := net/lib' 'endif' \
		> "$k/tools/testing/selftests/Makefile"
	printf '0xBA  00-0F  uapi/linux/liveupdate.h\n0xC0  00-0F  linux/usb/iowarrior.h\n' \
		> "$k/Documentation/userspace-api/ioctl/ioctl-number.rst"
	printf 'CFLAGS_tcp_metrics:=x\nCFLAGS_wireguard:=y\n' \
		> "$k/tools/net/ynl/Makefile.deps"
	printf '#define IFLA_NETKIT_MAX 1\n\n/* VXLAN section */\n' \
		> "$k/include/uapi/linux/if_link.h"
	printf '%s\n' 'attribute-sets:' '' 'sub-messages:' '  -' \
		'    formats:' '      -' '        value: ovpn' 'operations:' \
		> "$k/Documentation/netlink/specs/rt-link.yaml"
}

# Source the rig's apt library in a subshell and run one function of it.
apt_lib() {
	bash -c '. "$1/tools/lib.sh" && . "$1/tools/debian-apt.sh" && "${@:2}"' \
		_ "$REPO" "$@"
}

# How many times the stubs were called with a command line matching $1.
calls() {
	grep -c -- "$1" "$STUB_LOG" || true
}
