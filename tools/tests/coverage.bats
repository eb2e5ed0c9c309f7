#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# make coverage: a stage it does not know is refused before anything
# builds, and tools/coverage-report.py's sums, the functions it names as
# never entered and the line ranges it writes, on a made-up llvm-cov
# export of two files.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

# An llvm-cov export (the fields coverage-report.py reads) and the text
# of llvm-cov show for the same two files: a.c has 8 of 10 lines and 1
# of 2 functions run (b() never), b.h all of its 2 lines and 1 function.
fixture() {
	cat > "$BATS_TEST_TMPDIR/export.json" <<'JSON'
{"data": [{"files": [
  {"filename": "/t/drivers/net/vnetmq/a.c",
   "summary": {"lines": {"count": 10, "covered": 8},
	       "functions": {"count": 2, "covered": 1}}},
  {"filename": "/t/drivers/net/vnetmq/b.h",
   "summary": {"lines": {"count": 2, "covered": 2},
	       "functions": {"count": 1, "covered": 1}}}],
 "functions": [
  {"name": "a", "count": 3, "filenames": ["/t/drivers/net/vnetmq/a.c"],
   "regions": [[1, 1, 6, 1, 3, 0, 0, 0]]},
  {"name": "a.c:b", "count": 0, "filenames": ["/t/drivers/net/vnetmq/a.c"],
   "regions": [[8, 1, 9, 1, 0, 0, 0, 0]]},
  {"name": "c", "count": 1, "filenames": ["/t/drivers/net/vnetmq/b.h"],
   "regions": [[1, 1, 2, 1, 1, 0, 0, 0]]}]}]}
JSON
	cat > "$BATS_TEST_TMPDIR/show.txt" <<'TEXT'
/t/drivers/net/vnetmq/a.c:
    1|      3|int a(int x)
    2|  1.20k|{
    3|      0|	if (x)
    4|      0|		return 1;
    5|      3|	return 0;
    6|      3|}
    7|       |
    8|      0|static int b(void)
    9|      0|{ return 0; }
/t/drivers/net/vnetmq/b.h:
    1|      1|int c(void)
    2|      1|{ return 0; }
TEXT
}

@test "coverage: a stage that does not exist" {
	BUILD=$BATS_TEST_TMPDIR run -1 env STAGES="kunit nope" "$REPO/tools/coverage.sh"
	[[ $output == *"STAGES: no stage 'nope' (have: kunit e2e faults fuzz)"* ]]
}

@test "coverage: a kernel the rig does not have" {
	run -1 env VNETMQ_KERNEL=nope "$REPO/tools/kunit.sh"
	[[ $output == *"VNETMQ_KERNEL=nope: no such kernel (rig, coverage or mainline)"* ]]
}

@test "coverage: the report sums the files and names what never ran" {
	fixture
	run -0 "$REPO/tools/coverage-report.py" "$BATS_TEST_TMPDIR/export.json" \
		"$BATS_TEST_TMPDIR/show.txt" "$BATS_TEST_TMPDIR/uncovered.txt"
	[[ $output == *"a.c              lines  80.0% (8/10)  functions  50.0% (1/2)"* ]]
	[[ $output == *"  a.c:8 b"* ]]
	[[ $output != *"a.c:1 a"* ]]
	[[ $output == *"lines: 83.3%"* ]]
	[[ $output == *"functions: 66.7%"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/uncovered.txt")" = "a.c: 3-4, 8-9" ]
}

@test "coverage: an export that covers nothing" {
	echo '{"data": [{"files": [], "functions": []}]}' > "$BATS_TEST_TMPDIR/e.json"
	: > "$BATS_TEST_TMPDIR/s.txt"
	run -1 "$REPO/tools/coverage-report.py" "$BATS_TEST_TMPDIR/e.json" \
		"$BATS_TEST_TMPDIR/s.txt" "$BATS_TEST_TMPDIR/u.txt"
	[[ $output == *"covers no file: was the kernel built with kunit/coverage.config?"* ]]
}

@test "coverage: each stage's share, and the lines only it runs" {
	fixture
	sed -e 's/^    3|      0|/    3|      2|/' "$BATS_TEST_TMPDIR/show.txt" \
		> "$BATS_TEST_TMPDIR/fuzz.txt"
	run -0 "$REPO/tools/coverage-report.py" "$BATS_TEST_TMPDIR/export.json" \
		"$BATS_TEST_TMPDIR/show.txt" "$BATS_TEST_TMPDIR/uncovered.txt" \
		--stage="kunit=$BATS_TEST_TMPDIR/show.txt" \
		--stage="fuzz=$BATS_TEST_TMPDIR/fuzz.txt"
	[[ $output == *"  kunit     60.0% (6/10); 0 run by no other stage"* ]]
	[[ $output == *"  fuzz      70.0% (7/10); 1 run by no other stage"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/only-fuzz.txt")" = "a.c: 3" ]
	[ ! -s "$BATS_TEST_TMPDIR/only-kunit.txt" ]
}
