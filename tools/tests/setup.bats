#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Host set-up and the kernel tree: what a new user, root or not, meets
# first.

# shellcheck disable=SC2154 # output, lines, stderr: set by bats' run
load helpers

@test "setup: non-root with packages missing, the install line and a stop" {
	debian_sources
	STUB_UID=1000 STUB_INSTALLED="bc flex" \
		run -1 "$REPO/tools/setup-host.sh"
	[[ $output == *"sudo apt-get install -y build-essential bison libelf-dev"* ]]
	[[ $output != *"install -y build-essential bc"* ]]
	[[ $output == *" qemu-system-x86"* ]]	# make kcsan's QEMU
	[ "$(calls apt-get)" = 0 ]
	[ ! -e "$CACHE/sparse" ]
}

@test "setup: root on an empty cache installs, then builds sparse" {
	debian_sources
	STUB_UID=0 STUB_INSTALLED="" run -0 "$REPO/tools/setup-host.sh"
	[ "$(calls 'apt-get update')" = 1 ]
	[ "$(calls 'apt-get .*install .*bats')" = 1 ]
	[ "$(calls 'apt-get .*install .*qemu-system-x86')" = 1 ]
	[ -x "$CACHE/sparse/sparse" ]
}

@test "setup: everything installed, nothing to install" {
	debian_sources
	STUB_UID=1000 STUB_INSTALLED=all run -0 "$REPO/tools/setup-host.sh"
	[ "$(calls 'install')" = 0 ]
}

# A kernel tree just big enough for prepare-tree.sh and build_kernel: a
# kunit.py that writes the .config and a Makefile that "compiles" three
# objects (or, with FAIL set, one, then fails) and links a "linux".
fake_kernel_tree() {
	local t=$1
	fake_kernel_source "$t"
	mkdir -p "$t/tools/testing/kunit"
	cat > "$t/Makefile" <<'EOF'
all:
	@for o in a b c; do echo "  CC      $$o.o"; touch $(O)/$$o.o; \
		if [ -n "$(FAIL)" ]; then exit 1; fi; done
	@echo "  LD      vmlinux"
	@printf "#!/bin/sh\n" > $(O)/linux && chmod +x $(O)/linux
EOF
	cat > "$t/tools/testing/kunit/kunit.py" <<'EOF'
import os, sys
build = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--build_dir=")][0]
os.makedirs(build, exist_ok=True)
open(os.path.join(build, ".config"), "w").write("CONFIG_VNETMQ=y\n")
EOF
}

@test "setup: KSRC configured in place, a clear error" {
	fake_kernel_tree "$BATS_TEST_TMPDIR/linux"
	touch "$BATS_TEST_TMPDIR/linux/.config"
	KSRC=$BATS_TEST_TMPDIR/linux run -1 "$REPO/tools/build-kernel.sh"
	[[ $output == *"has been configured in place"* ]]
	[[ $output == *"make -C $BATS_TEST_TMPDIR/linux mrproper"* ]]
}

@test "setup: KSRC that is no kernel tree, a clear error" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	KSRC=$BATS_TEST_TMPDIR/empty run -1 "$REPO/tools/build-kernel.sh"
	[[ $output == *"is not a kernel source tree (set KSRC to a kernel checkout)"* ]]
}

@test "setup: kernel build into an empty BUILD, progress and count kept" {
	fake_kernel_tree "$BATS_TEST_TMPDIR/linux"
	KSRC=$BATS_TEST_TMPDIR/linux run -0 "$REPO/tools/build-kernel.sh"
	[[ $output == *"kernel build: 3 of ~"*" objects built, "*", done"* ]]
	[ -x "$BUILD/kernel/linux" ]
	[ "$(cat "$BUILD/kernel/.vnetmq-objects")" = 3 ]
	grep -q 'LD      vmlinux' "$BUILD/logs/kernel-build.log"
	grep -qF "obj-\$(CONFIG_VNETMQ) += vnetmq/" "$BUILD/src/drivers/net/Makefile"
}

@test "setup: a build resumed after a failed one does not count as full" {
	fake_kernel_tree "$BATS_TEST_TMPDIR/linux"
	FAIL=1 KSRC=$BATS_TEST_TMPDIR/linux run -1 "$REPO/tools/build-kernel.sh"
	[[ $output == *"kernel build failed"* ]]
	KSRC=$BATS_TEST_TMPDIR/linux run -0 "$REPO/tools/build-kernel.sh"
	[ -x "$BUILD/kernel/linux" ]
	[ ! -e "$BUILD/kernel/.vnetmq-objects" ]
}

@test "setup: a selftests Makefile without the net/lib rule, a clear error" {
	fake_kernel_source "$BATS_TEST_TMPDIR/linux"
	sed -i '/INSTALL_DEP_TARGETS/d; /^ifneq/d; /^endif/d' \
		"$BATS_TEST_TMPDIR/linux/tools/testing/selftests/Makefile"
	run "$REPO/tools/prepare-tree.sh" "$BATS_TEST_TMPDIR/linux" \
		"$BATS_TEST_TMPDIR/src" "$REPO"
	[ "$status" -ne 0 ]
	[[ $output == *"selftests/Makefile: found no virtio_net target or net/lib rule"* ]]
}
