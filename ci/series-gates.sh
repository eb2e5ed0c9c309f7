#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series gate: write the series (tools/series.sh export, which fails
# on drift), then apply its patches one by one with git am to the
# pristine tree and run on each what NIPA runs on a posted patch: the
# author's Signed-off-by and netdev's greps, checkpatch, kernel-doc on
# the files it touches, W=1 builds of the driver, modpost included
# (bisectable), and the selftests directory checks when it touches them;
# and one NIPA lacks, its size.  NIPA builds every patch for x86_64, i386
# and with clang; here every patch is built for x86_64 and each
# posting's last patch in all three (an i386 or clang warning that a
# later patch of the same posting does not fix shows there), which keeps
# a build from scratch of make test within its budget:
# SERIES_FLAVOURS=all builds every patch in all three.  Then the
# series-level checks: at most 15 patches, a cover letter, and
# get_maintainer.pl finding vnetmq's entry for every new file.
#
# usage: series-gates.sh                 gate $BUILD/series (make series first)
#        series-gates.sh --patches BASE PATCH...
#                                        per-patch checks on other patches;
#                                        prints "PATCH CHECK ok|fail" lines

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/../tools/lib.sh"
# shellcheck source=ci/checks.sh
. "$(dirname "$0")/checks.sh"

WT=$BUILD/series/tree
out=$LOGS/gates/series
MAX_PATCHES=15

# The kernel module directories and selftest directories a patch touches.
touched_dirs() {
	local kind=$1
	git -C "$WT" diff --name-only HEAD~1 HEAD | while read -r f; do
		case $kind:$f in
		module:drivers/*.[ch]) dirname "$f" ;;
		selftest:tools/testing/selftests/*/*/*/*) dirname "$f" ;;
		esac
	done | sort -u | while read -r d; do
		[ -f "$WT/$d/Makefile" ] && echo "$d"
	done
}

# The flavours each patch is built for, and the name of each one's check:
# build-DIR for x86_64, build-FLAVOUR-DIR for the others.
build_name() {
	local flavour=$1 dir=${2//\//_}
	if [ "$flavour" = x86_64 ]; then
		echo "build-$dir"
	else
		echo "build-$flavour-$dir"
	fi
}

# build_patch DIR LOGBASE FLAVOUR...: the patch's module directory DIR,
# W=1 and through modpost, for each FLAVOUR.
build_patch() {
	local d=$1 logs=$2 flavour name
	local -a mods
	shift 2
	for flavour in "$@"; do
		mapfile -t mods < <(module_args "$flavour" "$WT/$d")
		name=$(build_name "$flavour" "$d")
		one "$name" check_build "$flavour" "$logs.$name.out" "${mods[@]}"
	done
}

# check_patch PATCH LOGBASE FLAVOUR...: apply PATCH in WT and check it,
# built for each FLAVOUR; prints one "NAME ok|fail" line per check.
check_patch() {
	local patch=$1 logs=$2 d checkpatch
	local -a files flavours=("${@:3}")
	one() {
		local name=$1
		shift
		if "$@" > "$logs.$name.log" 2>&1; then
			echo "$name ok"
		else
			echo "$name fail"
		fi
	}
	if ! git -C "$WT" am -q "$patch" > "$logs.apply.log" 2>&1; then
		echo "applies fail"
		return
	fi
	one greps check_greps "$patch"
	one size check_patch_size "$patch"
	# checkpatch, the slowest check, reads only the patch and the
	# tree's unchanging parts: it runs beside the build.
	one checkpatch check_checkpatch "$WT" "$patch" > "$logs.checkpatch.verdict" &
	checkpatch=$!
	mapfile -t files < <(git -C "$WT" diff --name-only --diff-filter=d HEAD~1 HEAD |
		grep -E '\.[ch]$' | sed "s|^|$WT/|")
	one kernel-doc check_kerneldoc "$WT" "${files[@]}"
	for d in $(touched_dirs module); do
		build_patch "$d" "$logs" "${flavours[@]}"
	done
	for d in $(touched_dirs selftest); do
		one "selftests-${d//\//_}" check_selftest_dir "$WT/$d"
	done
	wait "$checkpatch" || true
	cat "$logs.checkpatch.verdict"
}

# The work tree's module objects (module_args), from the last run's last
# patch: each run builds every file of the first patch again (ccache).
clean_module_outputs() {
	local flavour
	for flavour in "${FLAVOURS[@]}"; do
		rm -rf "$(arch_dir "$flavour")/modules$WT"
	done
}

# patch_flavours PATCH NEXT: the flavours PATCH is built for, NEXT being
# the patch after it (none after the last): all of them for the last
# patch of a posting (a directory of the series), x86_64 for the others.
patch_flavours() {
	if [ "${SERIES_FLAVOURS:-}" = all ] || [ -z "$2" ] ||
			[ "$(dirname "$1")" != "$(dirname "$2")" ]; then
		printf '%s\n' "${FLAVOURS[@]}"
	else
		echo x86_64
	fi
}

# check_patches BASE PATCH...: "PATCH CHECK ok|fail" for every patch,
# applied in order on a clean checkout of BASE.
check_patches() {
	local base=$1 p i
	local -a patches flavours
	shift
	patches=("$@")
	git -C "$WT" am --abort >/dev/null 2>&1 || true
	git -C "$WT" checkout -q -f -B gate "$base"
	git -C "$WT" clean -q -fdx
	clean_module_outputs
	mkdir -p "$out"
	for i in "${!patches[@]}"; do
		p=${patches[i]}
		mapfile -t flavours < <(patch_flavours "$p" "${patches[i + 1]:-}")
		check_patch "$p" "$out/$(basename "$p" .patch)" "${flavours[@]}" |
			sed "s|^|$(basename "$p") |"
		# A patch that does not apply ends the series.
		[ ! -d "$WT/.git/rebase-apply" ] || break
	done
}

# The written series, in the order it applies.
series_patches() {
	local d
	find "$BUILD/series" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-*' | sort
	for d in $(find "$BUILD/series" -mindepth 1 -maxdepth 1 -type d \
			-name '[2-9]-*' | sort -V); do
		find "$d" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
			! -name '0000-*' | sort
	done
}

# record WHAT CMD...: a series-level result.
record() {
	local what=$1
	shift
	if "$@"; then
		result gates 0 "gate series: $what"
	else
		result gates 1 "gate series: $what"
	fi
}

has_cover() {
	[ -f "$1/0000-cover-letter.patch" ] &&
		! grep -q '\*\*\* \(SUBJECT\|BLURB\) HERE' "$1/0000-cover-letter.patch"
}

count_patches() {
	find "$1" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | wc -l
}

# Every file the series adds has vnetmq's maintainer in get_maintainer.pl.
maintainers_cover() {
	local who f missing=0
	# The entry as sent: make series puts the maintainer in its M: line.
	who=$(sed -n '/^VNETMQ /,/^$/s/^M:\t//p' "$WT/MAINTAINERS" | head -n 1)
	for f in $(git -C "$WT" diff --name-only --diff-filter=A \
			"$(cat "$BUILD/series/.base")" HEAD); do
		if ! (cd "$WT" && ./scripts/get_maintainer.pl --no-git \
				--no-rolestats -f "$f" 2>/dev/null) | grep -qF "$who"; then
			echo "series: get_maintainer.pl does not name $who for $f" >&2
			missing=1
		fi
	done
	return "$missing"
}

series_level() {
	local d n
	for d in "$BUILD/series" $(find "$BUILD/series" -mindepth 1 \
			-maxdepth 1 -type d -name '[2-9]-*' | sort -V); do
		n=$(count_patches "$d")
		record "${d##*/}: $n patches, at most $MAX_PATCHES" \
			[ "$n" -le "$MAX_PATCHES" ]
		record "${d##*/}: a cover letter" has_cover "$d"
	done
	record "MAINTAINERS covers every new file" maintainers_cover
	record "the netlink code regenerates unchanged from its spec" \
		series_ynl
}

# NIPA's per-series ynl check, on the tree the whole series yields.
series_ynl() {
	local -a files
	mapfile -t files < <(generated_files "$WT")
	check_ynl "$WT" "${files[@]}" > "$out/ynl.log" 2>&1 ||
		{ sed 's/^/series: ynl: /' "$out/ynl.log" >&2; return 1; }
}

main() {
	local patch check status base
	if [ "${1:-}" = --patches ]; then
		shift
		check_patches "$@"
		return
	fi
	# The gates check the patches' form, not who signs them: on a
	# machine with no git identity they sign as a placeholder, said
	# out loud (make series itself refuses to).
	if ! git config user.name > /dev/null || ! git config user.email > /dev/null; then
		export VNETMQ_SIGNER=${VNETMQ_SIGNER:-"vnetmq gates <gates@vnetmq.invalid>"}
	fi
	"$VNETMQ_REPO/tools/series.sh" export ||
		{ result gates 1 "gate series: make series (drift, or a patch that does not apply)"; return 1; }
	result gates 0 "gate series: the patches yield the repository's files"
	base=$(cat "$BUILD/series/.base")
	while read -r patch check status; do
		if [ "$status" = ok ]; then
			result gates 0 "gate series: $patch: $check"
		else
			sed "s|^|series: $patch: $check: |" \
				"$out/${patch%.patch}.$check.log" >&2 2>/dev/null || true
			result gates 1 "gate series: $patch: $check (log: $out/${patch%.patch}.$check.log)"
		fi
	done < <(mapfile -t p < <(series_patches); check_patches "$base" "${p[@]}")
	series_level
}

main "$@"
