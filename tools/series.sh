#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq as upstream receives it: patch series for net-next.
#
# The repository's files are the source of truth for content; series/
# records how they are cut into patches: one directory per series, in
# the order they apply (1-vnetmq/, 2-.../), each holding its patches as
# git format-patch files and its cover letter's text.  Everything here
# starts by applying every stored patch with git am to a git tree of the
# pristine kernel source ($BUILD/series/tree).
#
# usage: series.sh export [SERIES]
#                             write the series to $BUILD/series/ (make
#                             series), or only SERIES (e.g. 3-control)
#        series.sh check      fail if the patches no longer yield the
#                             repository's files (drift)
#        series.sh refresh [NNNN]
#                             fold the repository's changes into the
#                             patches that introduced the lines they touch
#                             (git absorb); what no patch owns goes into
#                             patch NNNN of the last series, if given

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

SERIES_DIR=$VNETMQ_REPO/series
WORK=$BUILD/series
WT=$WORK/tree
# Stored patches carry this identity and date, so that refreshing them
# changes nothing but content; `export` signs them as whoever runs it.
STORE_IDENT=(-c user.name=vnetmq -c user.email=vnetmq@vnetmq.invalid)
STORE_DATE="2026-01-01T00:00:00+0000"

# Paths the series may touch (tools/lib.sh).
owned_paths() {
	printf '%s\n' "${SERIES_PATHS[@]}"
}

gwt() {
	git -C "$WT" "$@"
}

# A git repository of the pristine tree: KSRC itself when it is a git
# checkout (its HEAD is the base), else a one-time commit of Debian's
# source in the cache.  Prints "REPO BASE_COMMIT IS_UPSTREAM".
base_repo() {
	local src repo
	if [ -n "$KSRC" ] && git -C "$KSRC" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		echo "$KSRC $(git -C "$KSRC" rev-parse HEAD) 1"
		return
	fi
	src=$(pristine_tree) || exit 1
	repo=$src.git
	if [ ! -f "$repo/.vnetmq-complete" ]; then
		with_progress "git tree of $(basename "$src")" "" \
			make_base_repo "$src" "$repo" >&2
	fi
	echo "$repo $(git -C "$repo" rev-parse HEAD) 0"
}

make_base_repo() {
	local src=$1 repo=$2
	rm -rf "$repo.tmp"
	cp -al "$src" "$repo.tmp"
	# Debian's tarball ends .gitignore with a stanza ignoring "/*":
	# drop it (a new file: the hard link to the pristine one breaks).
	sed '/^# Debian/,$d' "$src/.gitignore" > "$repo.tmp/.gitignore.new"
	rm -f "$repo.tmp/.gitignore" "$repo.tmp/.vnetmq-complete"
	mv "$repo.tmp/.gitignore.new" "$repo.tmp/.gitignore"
	git -C "$repo.tmp" init -q
	git -C "$repo.tmp" add -A
	git "${STORE_IDENT[@]}" -C "$repo.tmp" commit -q \
		-m "Linux $(cat "$src/.vnetmq-complete") (Debian linux-source)"
	touch "$repo.tmp/.vnetmq-complete"
	mv "$repo.tmp" "$repo"
}

series_dirs() {
	find "$SERIES_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*-*' |
		sort -V
}

# Apply every stored patch, series after series, onto a clean checkout of
# the base.  Sets BASE, UPSTREAM, and ENDS (the commit ending each series).
apply_all() {
	local repo d n out
	out=$(base_repo) || exit 1
	read -r repo BASE UPSTREAM <<<"$out"
	# A work tree cloned from another base repository (KSRC changed) is
	# made anew rather than fed that repository's history.
	if [ "$(cat "$WORK/.repo" 2>/dev/null)" != "$repo" ]; then
		rm -rf "$WT"
	fi
	if [ ! -d "$WT/.git" ]; then
		rm -rf "$WT"
		mkdir -p "$WORK"
		with_progress "checkout of the base tree" "" \
			git clone -q --shared --no-checkout "$repo" "$WT" >&2
		gwt checkout -q --detach "$BASE"
		echo "$repo" > "$WORK/.repo"
	fi
	# git absorb (libgit2) reads only config files, not "git -c".
	gwt config user.name vnetmq
	gwt config user.email vnetmq@vnetmq.invalid
	gwt config absorb.maxStack 100
	gwt am --abort >/dev/null 2>&1 || true
	# A branch, not a detached HEAD: git absorb works on branches.
	gwt clean -q -fdx
	gwt checkout -q -f -B series "$BASE"
	gwt clean -q -fdx
	ENDS=()
	for d in $(series_dirs); do
		n=$(find "$d" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | wc -l)
		[ "$n" -gt 0 ] || die "$d holds no patch"
		gwt "${STORE_IDENT[@]}" am -q --committer-date-is-author-date \
			"$d"/[0-9][0-9][0-9][0-9]-*.patch ||
			die "a patch of $(basename "$d") does not apply to the base; see above (state in $WT)"
		ENDS+=("$(gwt rev-parse HEAD)")
	done
	[ ${#ENDS[@]} -gt 0 ] || die "no series under $SERIES_DIR"
}

# The files the series must yield: the rig's overlay tree, which
# prepare-tree.sh makes from the same base and the repository's files.
expected_tree() {
	local src
	if [ "$UPSTREAM" = 1 ]; then
		src=$KSRC
	else
		src=$(pristine_tree) || exit 1
	fi
	"$VNETMQ_REPO/tools/prepare-tree.sh" "$src" "$TREE" "$VNETMQ_REPO"
}

# Every owned file: tracked in the applied tree, or in the repository.
owned_files() {
	local -a paths
	mapfile -t paths < <(owned_paths)
	{
		gwt ls-files -- "${paths[@]}"
		(cd "$TREE" && find -L "${paths[@]}" -type f \
			! -path '*/__pycache__/*' 2>/dev/null)
	} | sort -u
}

# Drift: what differs between the applied series and the expected tree.
drift() {
	local f found=0 touched
	expected_tree
	touched=$(gwt diff --name-only "$BASE" HEAD |
		grep -vE "^($(owned_paths | paste -sd'|'))(/|$)" || true)
	if [ -n "$touched" ]; then
		echo "the series touches files outside vnetmq's: $touched"
		found=1
	fi
	while read -r f; do
		if [ ! -f "$WT/$f" ]; then
			echo "$f: in the repository, in no patch"
			found=1
		elif [ ! -f "$TREE/$f" ]; then
			echo "$f: in a patch, not in the repository"
			found=1
		elif ! cmp -s "$WT/$f" "$TREE/$f"; then
			echo "$f: differs (diff -u $WT/$f $TREE/$f)"
			found=1
		fi
	done < <(owned_files)
	return "$found"
}

cmd_check() {
	apply_all
	if ! drift >&2; then
		die "the series has drifted from the repository: run 'make series-refresh' (README: \"I changed a file: now what?\")"
	fi
	note "series: every patch applies and together they yield the repository's files"
}

# Write the stored form of every series back into series/.
store() {
	local d prev=$BASE i=0
	for d in $(series_dirs); do
		rm -f "$d"/[0-9][0-9][0-9][0-9]-*.patch
		gwt format-patch -q -N --zero-commit --no-signature \
			-o "$d" "$prev..${ENDS[i]}"
		prev=${ENDS[i]}
		i=$((i + 1))
	done
}

cmd_refresh() {
	local into=${1:-} fix
	local -a paths
	apply_all
	expected_tree
	mapfile -t paths < <(owned_paths)
	for f in "${paths[@]}"; do
		rm -rf "${WT:?}/$f"
		if [ -e "$TREE/$f" ]; then
			mkdir -p "$(dirname "$WT/$f")"
			cp -rL "$TREE/$f" "$WT/$f"
		fi
	done
	find "$WT" -name __pycache__ -prune -exec rm -rf {} +
	gwt add -A -- "${paths[@]}"
	if gwt diff --cached --quiet; then
		note "series: already matches the repository"
		return
	fi
	export GIT_AUTHOR_DATE=$STORE_DATE GIT_COMMITTER_DATE=$STORE_DATE
	# --force: the patches' authors are whoever cut them, not the
	# identity configured here, which absorb would otherwise insist on.
	GIT_SEQUENCE_EDITOR=: gwt absorb --force --and-rebase --base "$BASE" \
		>&2 || true
	if ! gwt diff --cached --quiet; then
		if [ -z "$into" ]; then
			gwt diff --cached --stat >&2
			die "these changes touch no line any patch introduced; say which patch takes them: make series-refresh INTO=NNNN (a patch of $(basename "$(series_dirs | tail -n 1)"))"
		fi
		fix=$(patch_commit "$into")
		gwt "${STORE_IDENT[@]}" commit -q --fixup="$fix"
		GIT_SEQUENCE_EDITOR=: gwt rebase -q -i --autosquash "$BASE"
	fi
	if [ -d "$WT/.git/rebase-merge" ] || [ -d "$WT/.git/rebase-apply" ] ||
	   gwt log --format=%s "$BASE..HEAD" | grep '^fixup! ' > /dev/null; then
		die "git absorb could not fold the changes in (a conflict?); series/ is unchanged; see $WT"
	fi
	# The series ends moved with the rebase: the last one is HEAD, the
	# others keep their patch counts.
	recount_ends
	store
	cmd_check
	note "series: refreshed; review and commit the changes under series/"
}

# Patch NNNN of the last series, as a commit of the applied tree.
patch_commit() {
	local nr=$((10#$1)) last n
	last=$(series_dirs | tail -n 1)
	n=$(find "$last" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | wc -l)
	if [ "$nr" -lt 1 ] || [ "$nr" -gt "$n" ]; then
		die "INTO=$1: $(basename "$last") has patches 0001 to $(printf %04d "$n")"
	fi
	gwt rev-parse "HEAD~$((n - nr))"
}

recount_ends() {
	local d n total=0 i
	local -a counts=()
	for d in $(series_dirs); do
		n=$(find "$d" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | wc -l)
		counts+=("$n")
		total=$((total + n))
	done
	ENDS=()
	n=0
	for i in "${counts[@]}"; do
		n=$((n + i))
		ENDS+=("$(gwt rev-parse "HEAD~$((total - n))")")
	done
}

# Who signs: VNETMQ_SIGNER ("Name <email>", for the gates on a machine
# with no identity), else the runner's git identity; nobody else.
signer() {
	local name email
	if [ -n "${VNETMQ_SIGNER:-}" ]; then
		check_ident VNETMQ_SIGNER "$VNETMQ_SIGNER"
		echo "$VNETMQ_SIGNER"
		return
	fi
	name=$(git config user.name || true)
	email=$(git config user.email || true)
	if [ -z "$name" ] || [ -z "$email" ]; then
		die "no git identity: the patches are signed (From: and Signed-off-by:) as you; set it with git config --global user.name 'Your Name' and git config --global user.email you@example.org"
	fi
	echo "$name <$email>"
}

# check_ident VAR VALUE: VALUE is "Name <email>".
check_ident() {
	[[ $2 =~ ^[^\<\>]*[^\<\>[:space:]][[:space:]]+\<[^\<\>[:space:]]+@[^\<\>[:space:]]+\>$ ]] ||
		die "$1='$2': give a name and an address, as in $1='Your Name <you@example.org>'"
}

# The maintainer patch 1's MAINTAINERS entry names: VNETMQ_MAINTAINER,
# else whoever signs.  The repository's own entry holds a placeholder,
# which is never sent.
maintainer() {
	if [ -n "${VNETMQ_MAINTAINER:-}" ]; then
		check_ident VNETMQ_MAINTAINER "$VNETMQ_MAINTAINER"
		echo "$VNETMQ_MAINTAINER"
	else
		echo "$1"
	fi
}

# What git rebase --exec runs on every patch to sign it (sign()): the
# commit at HEAD signed as SIGN_NAME <SIGN_EMAIL> (author and
# Signed-off-by), with the maintainer placeholder in MAINTAINERS, where
# this commit has it, replaced by SIGN_MAINTAINER.  The names come in
# the environment, so that any character in them is safe.
# shellcheck disable=SC2016 # expanded by the shell git rebase runs
SIGN_SCRIPT='if grep -qF "M:	$MAINTAINER_PLACEHOLDER" MAINTAINERS 2>/dev/null; then
	perl -pi -e "s/^M:\t\Q\$ENV{MAINTAINER_PLACEHOLDER}\E\$/M:\t\$ENV{SIGN_MAINTAINER}/" MAINTAINERS &&
	git add MAINTAINERS || exit 1
fi
exec git -c user.name="$SIGN_NAME" -c user.email="$SIGN_EMAIL" commit -q --amend --no-edit --reset-author -s
'
MAINTAINER_PLACEHOLDER='vnetmq developers <vnetmq@vnetmq.invalid>'

# fill_cover COVER TEXT [DEPS]: git format-patch's cover letter from the
# series' cover-letter file (its first line is the subject, the rest the
# blurb), with a paragraph naming the series it applies on, if any.
fill_cover() {
	local cover=$1 text=$2 deps=${3:-}
	"$PY" - "$cover" "$text" "$deps" <<'EOF'
import sys
cover, text, deps = sys.argv[1], open(sys.argv[2], encoding='utf-8').read(), sys.argv[3]
subject, _, blurb = text.partition('\n')
blurb = blurb.strip()
if deps:
    blurb += ('\n\nDependencies: this series applies on top of\n' + deps +
              'none of which is in net-next yet; the prerequisite-patch-id\n'
              'lines below name their patches.')
body = open(cover, encoding='utf-8').read()
body = body.replace('*** SUBJECT HERE ***', subject.strip())
body = body.replace('*** BLURB HERE ***', blurb)
open(cover, 'w', encoding='utf-8').write(body)
EOF
}

# The subject prefix of a series: its subject-prefix file (the RFC
# series), else PATCH net-next.
subject_prefix() {
	if [ -f "$1/subject-prefix" ]; then
		head -n 1 "$1/subject-prefix"
	else
		echo "PATCH net-next"
	fi
}

# series_named NAME: the directory of series NAME (1-vnetmq, or 1).
series_named() {
	local d
	for d in $(series_dirs); do
		case $(basename "$d") in
		"$1" | "$1"-*) echo "$d"; return ;;
		esac
	done
	die "SERIES=$1: no such series; there are $(series_dirs | xargs -n1 basename | paste -sd' ')"
}

# sign "NAME <EMAIL>": every patch signed as the runner, MAINTAINERS' M:
# line as the maintainer.  Sets SIGN_NAME and SIGN_EMAIL.
sign() {
	local who=$1 m
	m=$(maintainer "$who")
	SIGN_NAME=${who% <*}
	SIGN_EMAIL=${who##*<}
	SIGN_EMAIL=${SIGN_EMAIL%>}
	export SIGN_NAME SIGN_EMAIL SIGN_MAINTAINER=$m MAINTAINER_PLACEHOLDER
	echo "$SIGN_SCRIPT" > "$WORK/sign.sh"
	# On a branch of its own: "series" stays as stored, for a refresh
	# or a patch cut by hand after an export.
	gwt checkout -q -B signed series
	GIT_SEQUENCE_EDITOR=: gwt -c user.name="$SIGN_NAME" \
		-c user.email="$SIGN_EMAIL" rebase -q --exec "sh '$WORK/sign.sh'" "$BASE" \
		> "$WORK/sign.log" 2>&1 ||
		{ cat "$WORK/sign.log" >&2; die "signing the patches failed"; }
	recount_ends
}

# send_line DIR "NAME <EMAIL>": the command that sends the series in DIR:
# --to the lists and --cc the people scripts/get_maintainer.pl names for
# its patches (NIPA's cc_maintainers check), minus the sender.
send_line() {
	local dir=$1 who=$2 addr
	local -a patches to=() cc=()
	if [ ! -x "$WT/scripts/get_maintainer.pl" ]; then
		note "no scripts/get_maintainer.pl in the base tree: find the maintainers to Cc yourself"
		return
	fi
	mapfile -t patches < <(find "$dir" -maxdepth 1 -name '0*.patch' ! -name '0000-*' | sort)
	while read -r addr; do
		if [ -z "$addr" ] || [ "$addr" = "$who" ]; then
			continue
		fi
		case $addr in
		*@vger.kernel.org | *@lists.*) to+=("--to='$addr'") ;;
		*) cc+=("--cc='$addr'") ;;
		esac
	done < <(cd "$WT" && ./scripts/get_maintainer.pl --no-git \
		--no-git-fallback --no-rolestats "${patches[@]}" 2>/dev/null)
	echo "git send-email ${to[*]} ${cc[*]} $dir/*.patch"
}

# export [SERIES]: every series, or only SERIES (the series it applies
# on are named in its cover letter), signed and written for sending.
cmd_export() {
	local only=${1:-} who out d prev i=0 n deps="" prefix
	local -a sent=()
	apply_all
	drift >&2 || die "the series has drifted from the repository: run 'make series-refresh' first"
	[ -z "$only" ] || only=$(series_named "$only")
	who=$(signer)
	sign "$who"
	rm -rf "$BUILD/series/out"
	echo "$BASE" > "$BUILD/series/.base"
	prev=$BASE
	for d in $(series_dirs); do
		n=$(basename "$d")
		if [ "$i" = 0 ]; then
			out=$BUILD/series/out
		else
			out=$BUILD/series/out/$n
		fi
		prefix=$(subject_prefix "$d")
		if [ -z "$only" ] || [ "$only" = "$d" ]; then
			# --base: base-commit:, and in a follow-up the
			# prerequisite-patch-id of every patch it applies on.
			gwt -c user.name="$SIGN_NAME" -c user.email="$SIGN_EMAIL" \
				format-patch -q --cover-letter \
				--subject-prefix="$prefix" --thread=shallow \
				--base="$BASE" -o "$out" "$prev..${ENDS[i]}"
			fill_cover "$out/0000-cover-letter.patch" "$d/cover-letter" "$deps"
			sent+=("$BUILD/series${out#"$BUILD/series/out"}")
		fi
		deps+="  [$prefix] $(head -n 1 "$d/cover-letter") ($n)"$'\n'
		prev=${ENDS[i]}
		i=$((i + 1))
	done
	publish "$only"
	[ "$UPSTREAM" = 1 ] ||
		note "base-commit: is a local commit of Debian's linux-source; post against net-next with make series KSRC=<a net-next checkout>"
	if [[ $who == *.invalid\> ]]; then
		note "signed as $who (VNETMQ_SIGNER): for the gates, not for sending"
		return
	fi
	echo "To send, after reading every patch:"
	for d in "${sent[@]}"; do
		send_line "$d" "$who"
	done
}

# $BUILD/series/ holds the first series' mbox files and one directory
# per follow-up series; the work tree stays beside them.  With SERIES,
# only that series' files are replaced.
publish() {
	local only=$1
	if [ -z "$only" ]; then
		find "$BUILD/series" -maxdepth 1 \( -name '*.patch' -o -name '[0-9]*-*' \) \
			-exec rm -rf {} +
	elif [ -d "$BUILD/series/out/$(basename "$only")" ]; then
		rm -rf "${BUILD:?}/series/$(basename "$only")"
	else
		rm -f "$BUILD"/series/*.patch
	fi
	cp -r "$BUILD/series/out"/. "$BUILD/series/"
	rm -rf "$BUILD/series/out"
	note "series written to $BUILD/series/ ($(find "$BUILD/series" -name '*.patch' ! -path '*/tree/*' | wc -l) files)"
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	export) cmd_export "$@" ;;
	check) cmd_check ;;
	refresh) cmd_refresh "$@" ;;
	*) die "usage: $0 export|check|refresh [NNNN]" ;;
	esac
}

main "$@"
