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
	printf 'VNETMQ DRIVER\nM:\tvnetmq developers <vnetmq@vnetmq.invalid>\nS:\tMaintained\n' > "$r/MAINTAINERS"
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

# A second series: b.c, in series/2-more, an RFC.
second_series() {
	local c=$BATS_TEST_TMPDIR/cut
	printf 'int b(void)\n{\n\treturn 3;\n}\n' > "$R/drivers/net/vnetmq/b.c"
	cp "$R/drivers/net/vnetmq/b.c" "$c/drivers/net/vnetmq/"
	git -C "$c" add -A
	git -C "$c" -c user.name=v -c user.email=v@v.invalid commit -q -m "net: vnetmq: add b"
	mkdir -p "$R/series/2-more"
	printf 'net: vnetmq: b\nB blurb.\n' > "$R/series/2-more/cover-letter"
	echo 'RFC PATCH net-next' > "$R/series/2-more/subject-prefix"
	git -C "$c" format-patch -q -N --zero-commit -o "$R/series/2-more" HEAD~1
}

# No git identity at all: HOME and XDG_CONFIG_HOME without one.
no_ident() {
	HOME=$BATS_TEST_TMPDIR XDG_CONFIG_HOME=$BATS_TEST_TMPDIR "$@"
}

@test "series: export refuses to sign with no git identity" {
	setup_series
	run -1 no_ident "$R/tools/series.sh" export
	[[ $output == *"no git identity: the patches are signed (From: and Signed-off-by:) as you; set it with git config --global user.name 'Your Name' and git config --global user.email you@example.org"* ]]
	[ ! -e "$BUILD/series/0001-net-vnetmq-add-it.patch" ]
}

@test "series: export signs as the runner, names them maintainer, with a cover letter and base" {
	setup_series
	GIT_CONFIG_GLOBAL=$BATS_TEST_TMPDIR/gitconfig
	export GIT_CONFIG_GLOBAL
	git config --global user.name "Ann O'Neil"
	git config --global user.email ann@example.org
	run -0 "$R/tools/series.sh" export
	[[ $output == *"no scripts/get_maintainer.pl in the base tree"* ]]
	p=$(find "$BUILD/series" -maxdepth 1 -name '0001-*.patch')
	grep -q '^Subject: \[PATCH net-next 1/1\] net: vnetmq: add it' "$p"
	grep -q "^From: Ann O'Neil <ann@example.org>" "$p"
	grep -q "^Signed-off-by: Ann O'Neil <ann@example.org>" "$p"
	grep -q "^+M:	Ann O'Neil <ann@example.org>" "$p"
	run ! grep -q 'vnetmq@vnetmq.invalid' "$p"
	c=$BUILD/series/0000-cover-letter.patch
	grep -q "^base-commit: $(git -C "$KSRC" rev-parse HEAD)" "$c"
	grep -q '^Subject: \[PATCH net-next 0/1\] subject: a test series' "$c"
	grep -q '^Its blurb.' "$c"
	# The stored patches keep the placeholder: nothing drifted.
	run -0 "$R/tools/series.sh" check
}

@test "series: VNETMQ_MAINTAINER names the maintainer; a bad one is refused" {
	setup_series
	VNETMQ_MAINTAINER='Bo <bo@example.org>' \
		run -0 no_ident env VNETMQ_SIGNER='Cy <cy@example.org>' \
		"$R/tools/series.sh" export
	p=$(find "$BUILD/series" -maxdepth 1 -name '0001-*.patch')
	grep -q '^+M:	Bo <bo@example.org>' "$p"
	grep -q '^Signed-off-by: Cy <cy@example.org>' "$p"
	VNETMQ_MAINTAINER=bo run -1 no_ident env VNETMQ_SIGNER='Cy <cy@example.org>' \
		"$R/tools/series.sh" export
	[[ $output == *"VNETMQ_MAINTAINER='bo': give a name and an address, as in VNETMQ_MAINTAINER='Your Name <you@example.org>'"* ]]
}

@test "series: the gates' placeholder signer is said not to be for sending" {
	setup_series
	run -0 no_ident env VNETMQ_SIGNER='vnetmq gates <gates@vnetmq.invalid>' \
		"$R/tools/series.sh" export
	[[ $output == *"for the gates, not for sending"* ]]
	[[ $output != *"git send-email"* ]]
}

@test "series: a follow-up names what it applies on; SERIES= writes one series" {
	setup_series
	second_series
	run -0 no_ident env VNETMQ_SIGNER='Cy <cy@example.org>' \
		"$R/tools/series.sh" export
	c=$BUILD/series/2-more/0000-cover-letter.patch
	grep -q '^Subject: \[RFC PATCH net-next 0/1\] net: vnetmq: b' "$c"
	grep -q '^  \[PATCH net-next\] subject: a test series (1-test)' "$c"
	grep -q "^base-commit: $(git -C "$KSRC" rev-parse HEAD)" "$c"
	grep -q '^prerequisite-patch-id: ' "$c"
	grep -q '^Subject: \[RFC PATCH net-next 1/1\] net: vnetmq: add b' \
		"$BUILD"/series/2-more/0001-*.patch
	run ! grep -q 'Dependencies' "$BUILD/series/0000-cover-letter.patch"
	rm -rf "$BUILD/series/2-more" "$BUILD"/series/0*.patch
	run -0 no_ident env VNETMQ_SIGNER='Cy <cy@example.org>' \
		"$R/tools/series.sh" export 2
	[ -f "$c" ]
	[ ! -e "$BUILD/series/0000-cover-letter.patch" ]
	run -1 no_ident env VNETMQ_SIGNER='Cy <cy@example.org>' \
		"$R/tools/series.sh" export 3-none
	[[ $output == *"SERIES=3-none: no such series; there are 1-test 2-more"* ]]
}
