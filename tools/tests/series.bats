#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/series.sh on a tiny kernel tree and a tiny driver: the series must
# yield the repository's files (drift fails), a change goes into the
# patch that introduced its lines, code no patch owns needs INTO, and
# export signs and numbers the patches.

# shellcheck disable=SC2154 # output, lines, stderr: set by bats' run
load helpers

# A kernel git tree with just the lines prepare-tree.sh anchors on.
fake_kernel() {
	local k=$1
	fake_kernel_source "$k"
	git -C "$k" init -q
	git -C "$k" add -A
	git -C "$k" -c user.name=k -c user.email=k@k.invalid commit -q -m base
}

# The rig's scripts in a repository of their own, with a one-file driver.
fake_repo() {
	local r=$1 sel=tools/testing/selftests/drivers/net/vnetmq
	mkdir -p "$r/tools" "$r/drivers/net/vnetmq" "$r/$sel" \
		"$r/Documentation/networking" "$r/include/uapi/linux" \
		"$r/Documentation/netlink/specs"
	cp "$REPO"/tools/*.sh "$REPO"/tools/*.py "$r/tools/"
	printf 'config VNETMQ\n\ttristate "vnetmq"\n' > "$r/Kconfig"
	printf 'VNETMQ DRIVER\nM:\tA <a@a.invalid>\nS:\tMaintained\n' > "$r/MAINTAINERS"
	cat > "$r/drivers/net/vnetmq/Makefile" <<'EOF'
obj-$(CONFIG_VNETMQ) += a.o
EOF
	printf 'int a(void)\n{\n\treturn 1;\n}\n' > "$r/drivers/net/vnetmq/a.c"
	echo 'vnetmq' > "$r/Documentation/networking/vnetmq.rst"
	echo '/* vnetmq */' > "$r/include/uapi/linux/vnetmq.h"
	echo '/* vnetmq netlink */' > "$r/include/uapi/linux/vnetmq_netlink.h"
	echo 'name: vnetmq' > "$r/Documentation/netlink/specs/vnetmq.yaml"
	echo 'TEST_PROGS := t.sh' > "$r/$sel/Makefile"
	printf 'subject: a test series\nIts blurb.\n' > "$r/cover"
}

# One patch holding everything the series owns (tools/lib.sh's
# SERIES_PATHS), cut from what prepare-tree.sh makes.
first_patch() {
	local r=$1 k=$2 c=$BATS_TEST_TMPDIR/cut
	local -a paths
	"$r/tools/prepare-tree.sh" "$k" "$BATS_TEST_TMPDIR/expect" "$r"
	git clone -q "$k" "$c"
	mapfile -t paths < <(bash -c '. "$1/tools/lib.sh" &&
		printf "%s\n" "${SERIES_PATHS[@]}"' _ "$r")
	(cd "$BATS_TEST_TMPDIR/expect" && cp -rL --parents "${paths[@]}" "$c/")
	git -C "$c" add -A
	git -C "$c" -c user.name=v -c user.email=v@v.invalid commit -q -m "net: vnetmq: add it"
	mkdir -p "$r/series/1-test"
	mv "$r/cover" "$r/series/1-test/cover-letter"
	git -C "$c" format-patch -q -N --zero-commit -o "$r/series/1-test" HEAD~1
}

setup_series() {
	R=$BATS_TEST_TMPDIR/repo
	export KSRC=$BATS_TEST_TMPDIR/linux
	fake_kernel "$KSRC"
	fake_repo "$R"
	first_patch "$R" "$KSRC"
}

@test "series: check passes on a matching series, fails on drift" {
	setup_series
	run -0 "$R/tools/series.sh" check
	printf 'int a(void)\n{\n\treturn 2;\n}\n' > "$R/drivers/net/vnetmq/a.c"
	run -1 "$R/tools/series.sh" check
	[[ $output == *"drivers/net/vnetmq/a.c: differs"* ]]
	[[ $output == *"run 'make series-refresh'"* ]]
}

@test "series: refresh folds a change into the patch that introduced it" {
	setup_series
	printf 'int a(void)\n{\n\treturn 2;\n}\n' > "$R/drivers/net/vnetmq/a.c"
	run -0 "$R/tools/series.sh" refresh
	grep -q '^+	return 2;' "$R"/series/1-test/0001-*.patch
	[ "$(find "$R/series/1-test" -name '0*.patch' | wc -l)" = 1 ]
	run -0 "$R/tools/series.sh" check
}

@test "series: code no patch owns needs INTO, then goes there" {
	setup_series
	printf 'int b(void)\n{\n\treturn 3;\n}\n' > "$R/drivers/net/vnetmq/b.c"
	run -1 "$R/tools/series.sh" refresh
	[[ $output == *"say which patch takes them: make series-refresh INTO=NNNN"* ]]
	run -1 "$R/tools/series.sh" refresh 0002
	[[ $output == *"INTO=0002: 1-test has patches 0001 to 0001"* ]]
	run -0 "$R/tools/series.sh" refresh 0001
	grep -q '^+++ b/drivers/net/vnetmq/b.c' "$R"/series/1-test/0001-*.patch
	run -0 "$R/tools/series.sh" check
}

@test "series: export signs as the runner, with a cover letter and base" {
	setup_series
	# No git identity here: CI's placeholder signs.
	HOME=$BATS_TEST_TMPDIR XDG_CONFIG_HOME=$BATS_TEST_TMPDIR \
		run -0 "$R/tools/series.sh" export
	[[ $output == *"no git identity"* ]]
	p=$(find "$BUILD/series" -maxdepth 1 -name '0001-*.patch')
	grep -q '^Subject: \[PATCH net-next 1/1\] net: vnetmq: add it' "$p"
	grep -q '^From: vnetmq CI <ci@vnetmq.invalid>' "$p"
	grep -q '^Signed-off-by: vnetmq CI <ci@vnetmq.invalid>' "$p"
	c=$BUILD/series/0000-cover-letter.patch
	grep -q "^base-commit: $(git -C "$KSRC" rev-parse HEAD)" "$c"
	grep -q '^Subject: \[PATCH net-next 0/1\] subject: a test series' "$c"
	grep -q '^Its blurb.' "$c"
}
