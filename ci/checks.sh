# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The checks behind the gates, each on inputs it is given (a patch, a
# directory, files), so that ci/gates.sh runs them on vnetmq and
# ci/gate-samples.sh on deliberately bad samples.  Each prints what it
# found and returns non-zero if it found anything.  Needs tools/lib.sh.

CODESPELL_DICT=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
# NIPA's checkpatch flags (facts.md); clean is 0 errors, warnings, checks.
# shellcheck disable=SC2054 # the commas are inside one --ignore value
CHECKPATCH_FLAGS=(--terse --strict --codespell
	--codespellfile="$CODESPELL_DICT" --max-line-length=80
	--ignore=COMMIT_LOG_LONG_LINE,MACRO_ARG_REUSE,ALLOC_SIZEOF_STRUCT,NO_AUTHOR_SIGN_OFF,GIT_COMMIT_ID,CAMELCASE,FILE_PATH_CHANGES,BAD_REPORTED_BY_LINK
	--show-types --showfile)
FINDING_RE=': (ERROR|WARNING|CHECK):'

# The marker of a file the kernel's ynl_gen_c.py wrote from a netlink
# spec.  Such a file's layout is the generator's: the ynl gate checks that
# it is what the spec yields.
YNL_GEN_RE='^/\* YNL-GEN '

# is_generated FILE: FILE carries the marker.
is_generated() {
	grep -q "$YNL_GEN_RE" "$1" 2>/dev/null
}

# generated_files GIT_TREE: vnetmq's generated files in that tree.
generated_files() {
	git -C "$1" grep -l "$YNL_GEN_RE" -- "${SERIES_PATHS[@]}"
}

# check_checkpatch KERNEL_TREE [-f] FILE: checkpatch from that tree;
# findings in generated files (is_generated) do not count.
check_checkpatch() {
	local ksrc=$1 out rc=0 line file kept=0
	shift
	# Debian's python3 first: checkpatch's spdxcheck.py needs its ply.
	out=$(cd "$ksrc" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl \
		"${CHECKPATCH_FLAGS[@]}" "$@" 2>&1) || rc=$?
	while read -r line; do
		file=${line%%:*}
		is_generated "$ksrc/$file" || kept=$((kept + 1))
	done < <(grep -E "$FINDING_RE" <<<"$out")
	if [ "$kept" -gt 0 ] ||
		{ [ "$rc" != 0 ] && ! grep -qE "$FINDING_RE" <<<"$out"; }; then
		echo "$out"
		return 1
	fi
}

# check_ynl KERNEL_TREE FILE...: each generated FILE (relative to the
# tree, or absolute) is what ynl_gen_c.py makes of its spec, as
# tools/net/ynl/ynl-regen.sh -f would write it; each spec passes
# yamllint; the YNL user library builds each family without a warning.
check_ynl() {
	local ksrc=$1 f path spec mode kind args tmp rc=0
	local -A families=()
	shift
	tmp=$(mktemp -d)
	for f in "$@"; do
		path=$f
		[[ $f == /* ]] || path=$ksrc/$f
		# The line before the marker names the spec: "/*\tSPEC */".
		read -r spec _ mode kind < <(grep -h -B1 "$YNL_GEN_RE" \
			"$path" | sed 's@/\*\(.*\)\*/@\1@' | tr '\n' ' ')
		args=$(sed -n 's@/\* YNL-ARG \(.*\) \*/@\1@p' "$path")
		# shellcheck disable=SC2086 # YNL-ARG is a word list
		# The output's name picks the header a source includes.
		(cd "$ksrc" && "$PY" tools/net/ynl/pyynl/ynl_gen_c.py \
			--mode "$mode" "--$kind" --spec "$spec" $args \
			-o "$tmp/${f##*/}") || { rc=1; continue; }
		if ! diff -u "$path" "$tmp/${f##*/}"; then
			echo "$f: not what $spec generates: run tools/net/ynl/ynl-regen.sh -f"
			rc=1
		fi
		families[$(basename "$spec" .yaml)]=$spec
	done
	for f in "${!families[@]}"; do
		yamllint --strict "$ksrc/${families[$f]}" || rc=1
		check_ynl_user "$ksrc" "$f" "$tmp" || rc=1
	done
	rm -rf "$tmp"
	return "$rc"
}

# check_ynl_user KERNEL_TREE FAMILY TMP: tools/net/ynl's user code for
# FAMILY compiles without a warning (its Makefile's rules, in TMP).
check_ynl_user() {
	local ksrc=$1 fam=$2 tmp=$3 gen=$1/tools/net/ynl/generated out
	rm -f "$gen/$fam-user."[cho]
	out=$(make -C "$gen" --no-print-directory "$fam-user.o" 2>&1)
	local rc=$?
	mv -f "$gen/$fam-user."[cho] "$tmp/" 2>/dev/null
	if [ "$rc" != 0 ] || grep -qi 'warning' <<<"$out"; then
		echo "$out"
		echo "tools/net/ynl: the $fam family's user code does not build cleanly"
		return 1
	fi
}

# check_greps PATCH...: inline in .c, functions in headers, module_param,
# dev_hold/dev_put, the author's Signed-off-by.
check_greps() {
	"$PY" "$VNETMQ_REPO/ci/patch_greps.py" "$@"
}

# A patch a reviewer reads in one sitting: at most PATCH_MAX_LINES lines
# added plus removed.  The lines of one file the patch creates do not
# count when that file is a test program (a selftest or a KUnit
# *_test.c) or generated (YNL_GEN_RE): such a file is read as a whole,
# and splitting it helps no one.
PATCH_MAX_LINES=600

# exempt_file PATCH FILE: FILE, created by PATCH, is a test program or
# generated code.
exempt_file() {
	case $2 in
	tools/testing/selftests/*/Makefile | tools/testing/selftests/*/config) return 1 ;;
	tools/testing/selftests/* | *_test.c) return 0 ;;
	esac
	awk -v f="diff --git a/$2 b/$2" '
		/^diff --git / { in_file = ($0 == f) }
		in_file && /^\+\/\* YNL-GEN / { found = 1 }
		END { exit !found }' "$1"
}

# check_patch_size PATCH: PATCH changes at most PATCH_MAX_LINES lines,
# besides one new test program or generated file.
check_patch_size() {
	local patch=$1 total=0 exempt=0 big="" add del file counted what
	local -A created=()
	while read -r file; do
		created[$file]=1
	done < <(git apply --summary "$patch" | sed -n 's/^ create mode [0-7]* //p')
	while read -r add del file; do
		[ "$add" != - ] || continue
		total=$((total + add + del))
		if [ -n "${created[$file]:-}" ] && [ "$add" -gt "$exempt" ] &&
				exempt_file "$patch" "$file"; then
			exempt=$add
			big=$file
		fi
	done < <(git apply --numstat "$patch")
	counted=$((total - exempt))
	what="${patch##*/}: $counted lines changed"
	[ -z "$big" ] || what+=" (and the $exempt of $big, a new test program or generated file)"
	if [ "$counted" -gt "$PATCH_MAX_LINES" ]; then
		echo "$what, more than $PATCH_MAX_LINES: split it into patches that each make one change"
		return 1
	fi
	echo "$what"
}

check_kerneldoc() {
	local ksrc=$1 out
	shift
	[ $# -gt 0 ] || return 0
	out=$("$ksrc/scripts/kernel-doc" -Wall -none "$@" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

check_xmastree() {
	"$PY" "$VNETMQ_REPO/ci/xmastree.py" "$@"
}

# check_selftest_dir DIR: NIPA's check_selftest, shellcheck, pylint.
check_selftest_dir() {
	local dir=$1 rc=0 f
	local -a sh=() py=()
	"$PY" "$VNETMQ_REPO/ci/selftest_dir.py" "$dir" || rc=1
	for f in "$dir"/*; do
		case $f in
		*.sh) sh+=("$f") ;;
		*.py) py+=("$f") ;;
		esac
	done
	if [ ${#sh[@]} -gt 0 ]; then
		(cd "$dir" && shellcheck -x -e SC2317 -e SC2329 "${sh[@]##*/}") || rc=1
	fi
	if [ ${#py[@]} -gt 0 ]; then
		pylint --score=n "${py[@]}" || rc=1
	fi
	return "$rc"
}

# A kernel output directory for each build flavour (x86_64, i386, clang:
# x86_64 with LLVM=-19), configured with ci/gate.config, so that every
# module build runs modpost as NIPA's does: a symbol no module and not
# vmlinux exports is an error.  modpost needs vmlinux's exports: x86_64
# builds the small kernel once (vmlinux and its Module.symvers), and the
# other flavours, which only prepare for module builds, take its
# exports.  The symbols a driver takes from the core are the same on
# every architecture; a missing export between vnetmq's own modules
# fails all three.
GATE_CONFIG=$VNETMQ_REPO/ci/gate.config
FLAVOURS=(x86_64 i386 clang)
# What prepare_arch builds.  Not the modules: vnetmq's own exports there
# would hide those a patched vnetmq lacks.
prepare_targets() {
	case $1 in
	x86_64) echo vmlinux modules_prepare ;;
	*) echo modules_prepare ;;
	esac
}

arch_make_args() {
	case $1 in
	x86_64) printf '%s\n' "CC=ccache gcc" ;;
	i386) printf '%s\n' ARCH=i386 CROSS_COMPILE=i686-linux-gnu- \
		"CC=ccache i686-linux-gnu-gcc" ;;
	clang) printf '%s\n' LLVM=-19 "CC=ccache clang-19" ;;
	*) die "no build flavour '$1' (have: ${FLAVOURS[*]})" ;;
	esac
}

arch_dir() {
	case $1 in
	x86_64) echo "$BUILD/x86" ;;
	*) echo "$BUILD/$1" ;;
	esac
}

# make in TREE for flavour $1 (its O= directory), the rest as make args.
arch_make() {
	local flavour=$1
	local -a args
	shift
	mapfile -t args < <(arch_make_args "$flavour")
	[ ${#args[@]} -gt 0 ] || exit 1
	nice -n 10 make -C "$TREE" O="$(arch_dir "$flavour")" "${args[@]}" "$@"
}

# arch_config FLAVOUR: the flavour's Kconfig fragment.  On x86, whose
# allnoconfig asks 64BIT, the 64-bit flavours say so.
arch_config() {
	grep '^CONFIG_' "$GATE_CONFIG"
	case $1 in
	x86_64 | clang) echo CONFIG_64BIT=y ;;
	esac
}

# prepare_key FLAVOUR: what a flavour's prepared kernel depends on.
prepare_key() {
	{
		arch_config "$1"
		arch_make_args "$1"
		prepare_targets "$1"
		[ "$1" = x86_64 ] || cat "$(arch_dir x86_64)/.vnetmq-prepared"
		cat "$VNETMQ_REPO/Kconfig"
		head -n 6 "$TREE/Makefile"
	} | sha1sum
}

# configure_arch FLAVOUR DIR: allnoconfig with the fragment; every line of
# it must survive (a dependency it lacks drops it silently).
configure_arch() {
	local flavour=$1 dir=$2 line rc=0
	arch_config "$flavour" > "$dir/vnetmq-gate.config"
	arch_make "$flavour" KCONFIG_ALLCONFIG="$dir/vnetmq-gate.config" \
		allnoconfig > "$dir/vnetmq-config.log" 2>&1 || {
		cat "$dir/vnetmq-config.log"
		echo "$flavour: allnoconfig with ci/gate.config failed"
		return 1
	}
	while read -r line; do
		grep -qx "$line" "$dir/.config" && continue
		echo "$flavour: ci/gate.config's $line did not survive allnoconfig (a missing dependency?)"
		rc=1
	done < "$dir/vnetmq-gate.config"
	return "$rc"
}

# build_vmlinux FLAVOUR DIR: prepare_targets, and vmlinux's exports (the
# x86_64 kernel's) as the Module.symvers of DIR.
build_vmlinux() {
	local flavour=$1 dir=$2 log=$2/vnetmq-vmlinux.log
	local -a targets
	read -ra targets <<< "$(prepare_targets "$flavour")"
	if ! arch_make "$flavour" -j"$(nproc)" "${targets[@]}" \
			> "$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -n 20
		echo "$flavour: the gate kernel (ci/gate.config) did not build ($log)"
		return 1
	fi
	cp "$(arch_dir x86_64)/vmlinux.symvers" "$dir/Module.symvers"
}

# prepare_arch FLAVOUR: the flavour's directory, configured and built,
# once for a given fragment, Kconfig and kernel version.
prepare_arch() {
	local flavour=$1 dir stamp key fd rc=0
	# The others take x86_64's vmlinux exports.
	[ "$flavour" = x86_64 ] || prepare_arch x86_64 || return 1
	dir=$(arch_dir "$flavour")
	stamp=$dir/.vnetmq-prepared
	key=$(prepare_key "$flavour")
	mkdir -p "$dir"
	exec {fd}> "$dir.lock"
	flock "$fd"
	if [ "$(cat "$stamp" 2>/dev/null)" != "$key" ]; then
		rm -f "$stamp"
		{ configure_arch "$flavour" "$dir" &&
			build_vmlinux "$flavour" "$dir" &&
			echo "$key" > "$stamp"; } || rc=1
	fi
	exec {fd}>&-
	return "$rc"
}

# module_args FLAVOUR DIR: make arguments that build the modules of DIR
# (a module directory) with their objects under the flavour's output
# directory, away from the sources and from the other flavours'.
module_args() {
	local out
	out=$(arch_dir "$1")/modules${2}
	printf '%s\n' M="$2" MO="$out" modules
}

# modpost_undefined LOG: for each module that uses symbols neither
# vmlinux nor a module built with it exports, one line naming them
# (modpost's message as of 6.x: "MODULE: symbol 'NAME' undefined!").
modpost_undefined() {
	sed -n "s/^ERROR: modpost: \([^ ]*\): symbol '\([^']*\)' undefined!\$/\1 \2/p" "$1" |
		awk '{ m = $1; sub(".*/", "", m); s[m] = s[m] " " $2 }
		     END { for (m in s) printf "modpost: %s uses what neither vmlinux nor a module beside it exports:%s\n", m, s[m] }'
}

# check_build FLAVOUR LOG TARGET... : a W=1 build of TARGET (module_args,
# or any make target) warning-free, modpost included; extra make args
# may follow.
check_build() {
	local flavour=$1 log=$2 rc=0
	shift 2
	prepare_arch "$flavour" || return 1
	arch_make "$flavour" W=1 -j"$(nproc)" "$@" > "$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		grep -E 'error|Error|ERROR' "$log" | head -n 20
		modpost_undefined "$log"
		echo "W=1 $flavour build failed ($log)"
		return 1
	fi
	! grep -E '(warning|error):|^(WARNING|ERROR): ' "$log"
}

# check_sparse LOG TARGET...: the x86_64 W=1 build under sparse (C=2).
# Too old a sparse is switched off with one line: no CHECK, no check.
check_sparse() {
	local log=$1 sparse
	shift
	sparse=$("$VNETMQ_REPO/tools/fetch-sparse.sh" "$VNETMQ_CACHE") || return 1
	check_build x86_64 "$log" C=2 CHECK="$sparse" "$@" || return 1
	if ! grep -q '^  CHECK ' "$log"; then
		echo "sparse checked nothing (is $sparse too old?)"
		return 1
	fi
}

# check_cocci LOG DIR [COCCI]: coccicheck exits 0 even with findings; any
# line naming a source file and line is one.
check_cocci() {
	local log=$1 dir=$2 rc=0
	local -a one=()
	[ -z "${3:-}" ] || one=(COCCI="$3")
	make -C "$TREE" coccicheck MODE=report M="$dir" "${one[@]}" \
		J="$(nproc)" > "$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		tail -n 20 "$log"
		return 1
	fi
	! grep -E '^[^ ]*\.[ch]:[0-9]+' "$log"
}
