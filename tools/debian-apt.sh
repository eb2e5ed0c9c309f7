# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The rig's private apt configuration, owned here and nowhere else: Debian
# sid and experimental (binary and source), with their own lists and
# archive cache under CACHE/apt, so that fetching linux-source-7.x or
# sparse's source never touches the machine's apt set-up.  Every fetcher
# calls apt_private_setup first; none relies on another having run.
#
# The mirror is the machine's own: the first URI of Debian's main archive
# in apt's sources, as apt-config locates them, or VNETMQ_DEBIAN_MIRROR.
#
# Needs die() and note() (tools/lib.sh).

APT_DIR=

# Debian's suite names and codenames, with the suffixes of the main
# archive.  Security suites live in another archive and are never taken.
DEBIAN_SUITE_RE='^(sid|unstable|experimental|testing|stable|oldstable|oldoldstable|stretch|buster|bullseye|bookworm|trixie|forky|duke)(-updates|-backports|-backports-sloppy|-proposed-updates)?$'

# Print the first URI of Debian's main archive found in the sources files
# named as arguments, in that order: one-line ("deb [opts] URI SUITE ...")
# and deb822 ("Types:", "URIs:", "Suites:", "Enabled:") files alike.
debian_mirror_in() {
	[ $# -gt 0 ] || return 1
	awk -v suite_re="$DEBIAN_SUITE_RE" '
	function suite_ok(list,    n, i, s) {
		n = split(list, s, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (s[i] ~ suite_re)
				return 1
		return 0
	}
	function take(uri) {
		if (uri == "" || uri ~ /security/)
			return
		sub(/\/+$/, "", uri)
		print uri
		found = 1
		exit
	}
	function stanza_end() {
		if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^(no|false)$/ &&
		    suite_ok(suites)) {
			split(uris, u, /[ \t]+/)
			take(u[1])
		}
		types = uris = suites = enabled = key = ""
	}
	FNR == 1 { if (NR > 1) stanza_end(); deb822 = FILENAME ~ /\.sources$/ }
	/^[ \t]*#/ { next }
	!deb822 {
		line = $0
		gsub(/\[[^]]*\]/, "", line)
		n = split(line, f, /[ \t]+/)
		if (f[1] == "") { for (i = 1; i < n; i++) f[i] = f[i + 1]; n-- }
		if (f[1] == "deb" && n >= 3 && suite_ok(f[3]))
			take(f[2])
		next
	}
	/^[ \t]*$/ { stanza_end(); next }
	/^[ \t]/ { if (key == "uris") uris = uris " " $1; next }
	{
		key = tolower($0); sub(/:.*/, "", key)
		val = $0; sub(/^[^:]*:[ \t]*/, "", val)
		if (key == "types") types = val
		else if (key == "uris") uris = val
		else if (key == "suites") suites = val
		else if (key == "enabled") enabled = tolower(val)
	}
	END { if (!found && deb822) stanza_end() }
	' "$@"
}

# The sources files apt reads, in apt's order: sources.list, then the
# parts directory's *.list and *.sources files in name order.
apt_sources_files() {
	local SL='' SP='' f
	eval "$(apt-config shell SL Dir::Etc::sourcelist/f SP Dir::Etc::sourceparts/d)"
	[ -n "$SL" ] && [ -f "$SL" ] && echo "$SL"
	[ -n "$SP" ] || return 0
	for f in "$SP"*.list "$SP"*.sources; do
		[ -f "$f" ] && echo "$f"
	done | sort
}

debian_mirror() {
	local -a files
	if [ -n "${VNETMQ_DEBIAN_MIRROR:-}" ]; then
		echo "${VNETMQ_DEBIAN_MIRROR%/}"
		return
	fi
	mapfile -t files < <(apt_sources_files)
	debian_mirror_in "${files[@]}" | grep . ||
		die "no Debian archive in apt's sources (${files[*]:-none found}): set VNETMQ_DEBIAN_MIRROR to the URL of a Debian mirror that serves sid and experimental"
}

apt_private_opts() {
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$APT_DIR/sources.list" \
		-o "Dir::Etc::SourceParts=-" \
		-o "Dir::State::Lists=$APT_DIR/lists" \
		-o "Dir::Cache=$APT_DIR/cache" \
		-o "Debug::NoLocking=1" \
		-o "APT::Get::List-Cleanup=0" \
		-o "APT::Sandbox::User=$(id -un)"
}

# apt_private apt-get|apt-cache ARG...: run an apt tool on the private set-up.
apt_private() {
	local tool=$1
	local -a opts
	shift
	mapfile -t opts < <(apt_private_opts)
	"$tool" -q "${opts[@]}" "$@"
}

# apt_private_setup CACHE: write CACHE/apt/sources.list for the machine's
# mirror and refresh the lists when they are a day old or the mirror
# changed (they are about 100 MB).
apt_private_setup() {
	local mirror sources stamp
	APT_DIR=$1/apt
	stamp=$APT_DIR/lists/.vnetmq-refreshed
	mirror=$(debian_mirror) || exit 1
	sources="deb $mirror sid main
deb $mirror experimental main
deb-src $mirror sid main"
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
	if [ "$(cat "$APT_DIR/sources.list" 2>/dev/null)" != "$sources" ]; then
		printf '%s\n' "$sources" > "$APT_DIR/sources.list"
		rm -f "$stamp"
	fi
	[ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ] && return
	note "refreshing Debian sid/experimental package lists from $mirror"
	apt_private apt-get update >&2 ||
		die "apt-get update failed for $mirror (no network? another mirror: set VNETMQ_DEBIAN_MIRROR)"
	touch "$stamp"
}
