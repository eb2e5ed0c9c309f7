#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the build's kernel tree: a hard-linked mirror of a pristine kernel
# source with vnetmq entered the way the upstream series enters it (the
# driver directory plus small hunks in drivers/net/Kconfig and Makefile).
# The pristine tree is never written: changed files are replaced, not
# edited, so their hard links break.  Re-running is cheap and picks up
# changes in the pristine tree (a net-next checkout that moved on).
#
# usage: prepare-tree.sh PRISTINE_TREE OVERLAY_TREE REPO

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: $0 PRISTINE_TREE OVERLAY_TREE REPO"
src=$(cd "$1" && pwd) || die "no kernel tree at $1"
dst=$2
repo=$(cd "$3" && pwd)

# Files this script owns in the overlay; rsync must leave them alone.
owned=("${SERIES_PATHS[@]}" .kunitconfig)

check_source() {
	if [ ! -f "$src/Makefile" ] || [ ! -f "$src/drivers/net/Kconfig" ]; then
		die "$src is not a kernel source tree (set KSRC to a kernel checkout)"
	fi
	if [ -f "$src/.config" ] || [ -d "$src/include/config" ]; then
		die "$src has been configured in place; out-of-tree builds need it clean: run 'make -C $src mrproper'"
	fi
}

mirror() {
	local -a excl=(--exclude=/.git)
	local f
	for f in "${owned[@]}"; do
		excl+=("--exclude=/$f")
	done
	mkdir -p "$dst"
	rsync -a --delete "${excl[@]}" --link-dest="$src" "$src/" "$dst/"
}

# Write $2 to $1 only when it differs, so make sees no needless change.
install_if_changed() {
	local path=$1 content=$2
	if [ -f "$path" ] && [ ! -L "$path" ] && [ "$(cat "$path")" = "$content" ]; then
		return
	fi
	printf '%s\n' "$content" > "$path.tmp"
	mv -f "$path.tmp" "$path"
}

# drivers/net/Kconfig: our entries go last in the NET_CORE block, beside veth.
patch_kconfig() {
	local orig=$src/drivers/net/Kconfig out
	grep -q '^endif # NET_CORE' "$orig" ||
		die "$orig has no 'endif # NET_CORE' line to anchor vnetmq's Kconfig entries"
	out=$(awk -v frag="$repo/Kconfig" '
		/^endif # NET_CORE/ {
			# The leading comment is for the rig, not for the kernel.
			head = 1
			while ((getline line < frag) > 0) {
				if (head && line ~ /^#/)
					continue
				head = 0
				print line
			}
			print ""
		}
		{ print }' "$orig")
	install_if_changed "$dst/drivers/net/Kconfig" "$out"
}

patch_makefile() {
	local orig=$src/drivers/net/Makefile out
	out=$(awk '
		{ print }
		/^obj-\$\(CONFIG_VETH\)/ { print "obj-$(CONFIG_VNETMQ) += vnetmq/"; done = 1 }
		END { if (!done) print "obj-$(CONFIG_VNETMQ) += vnetmq/" }' "$orig")
	install_if_changed "$dst/drivers/net/Makefile" "$out"
}

# MAINTAINERS: our entry (the repository's MAINTAINERS) where the
# alphabetical order of entry titles puts it.
patch_maintainers() {
	local orig=$src/MAINTAINERS out
	out=$(awk -v frag="$repo/MAINTAINERS" '
		BEGIN {
			while ((getline line < frag) > 0)
				if (line !~ /^# SPDX/) entry = entry line "\n"
			split(entry, l, "\n")
			title = l[1]
		}
		# An entry title: after a blank line, before a "X:\t" line.
		!done && prev == "" && $0 ~ /^[A-Z0-9]/ && $0 > title && started {
			printf "%s\n", entry
			done = 1
		}
		$0 ~ /^3C59X/ { started = 1 }
		{ print; prev = $0 }
		END { if (!done) exit 1 }' "$orig") ||
		die "$orig: found no place for vnetmq's MAINTAINERS entry"
	install_if_changed "$dst/MAINTAINERS" "$out"
}

# Insert line $3 into file $1 (relative to the tree) after the line that
# matches ERE $2.
insert_after() {
	local rel=$1 anchor=$2 line=$3 out
	out=$(awk -v a="$anchor" -v l="$line" '
		{ print }
		!done && $0 ~ a { print l; done = 1 }
		END { if (!done) exit 1 }' "$src/$rel") ||
		die "$src/$rel has no line matching '$anchor' to put '$line' after"
	install_if_changed "$dst/$rel" "$out"
}

# Insert line $3 into file $1 before the first line that matches ERE $2.
insert_before() {
	local rel=$1 anchor=$2 line=$3 out
	out=$(awk -v a="$anchor" -v l="$line" '
		!done && $0 ~ a { print l; done = 1 }
		{ print }
		END { if (!done) exit 1 }' "$src/$rel") ||
		die "$src/$rel has no line matching '$anchor' to put '$line' before"
	install_if_changed "$dst/$rel" "$out"
}

# Insert the hunks/ files named in $2... into file $1 (relative to the
# tree), each before the first line matching its ERE anchor in $3...:
# pairs "hunk=anchor" after the file.
insert_hunks() {
	local rel=$1 out
	shift
	out=$(awk -v spec="$*" -v dir="$repo/hunks" '
		BEGIN {
			n = split(spec, pairs, " ")
			for (i = 1; i <= n; i++) {
				eq = index(pairs[i], "=")
				hunk[i] = substr(pairs[i], 1, eq - 1)
				anchor[i] = substr(pairs[i], eq + 1)
			}
		}
		{
			for (i = 1; i <= n; i++) {
				if (done[i] || $0 !~ anchor[i])
					continue
				while ((getline l < (dir "/" hunk[i])) > 0)
					print l
				close(dir "/" hunk[i])
				done[i] = 1
			}
			print
		}
		END { for (i = 1; i <= n; i++) if (!done[i]) exit 1 }' "$src/$rel") ||
		die "$src/$rel: found no place for one of the hunks $*"
	install_if_changed "$dst/$rel" "$out"
}

link() {
	mkdir -p "$(dirname "$dst/$2")"
	ln -sfn "$repo/$1" "$dst/$2"
}

# A copy of directory $1, not a link: make -C enters a link's target, and
# the selftests' relative paths (../../../lib.mk) must resolve in the
# kernel tree for "make -C tools/testing/selftests install" to work.
copy() {
	[ ! -L "$dst/$1" ] || rm -f "$dst/$1"
	mkdir -p "$dst/$1"
	rsync -a --delete "$repo/$1/" "$dst/$1/"
}

# vnetmq's selftests are a target, and installing them installs net/lib
# (the YNL CLI and specs they use), as for drivers/net.
selftests_makefile() {
	local rel=tools/testing/selftests/Makefile out
	out=$(awk '
		/^TARGETS \+= drivers\/net\/virtio_net$/ && !t {
			print; print "TARGETS += drivers/net/vnetmq"; t = 1; next
		}
		/^ifneq \(\$\(filter net drivers\/net drivers\/net\/hw,\$\(TARGETS\)\),\)$/ && !f {
			sub(/drivers\/net\/hw,/, "drivers/net/hw drivers/net/vnetmq,")
			f = 1
		}
		{ print }
		END { if (!t || !f) exit 1 }' "$src/$rel") ||
		die "$src/$rel: found no virtio_net target or net/lib rule to add vnetmq to"
	install_if_changed "$dst/$rel" "$out"
}

main() {
	check_source
	mirror
	patch_kconfig
	patch_makefile
	patch_maintainers
	insert_after Documentation/networking/index.rst '^   udplite$' '   vnetmq'
	selftests_makefile
	# Pairs are made over RTNL: IFLA_VNETMQ_*, in the rt-link spec.
	insert_hunks include/uapi/linux/if_link.h \
		'if_link.h=^/[*][[:space:]]VXLAN[[:space:]]section[[:space:]][*]/$'
	insert_hunks Documentation/netlink/specs/rt-link.yaml \
		'rt-link-attrs.yaml=^sub-messages:$' \
		'rt-link-format.yaml=^[[:space:]]+value:[[:space:]]ovpn$'
	# vnetmq's ioctl code, in the table's order.
	insert_before Documentation/userspace-api/ioctl/ioctl-number.rst \
		'^0xC0 ' "$(printf '%-6s%-7s%-58s%s' 0xBB 00-0F \
		uapi/linux/vnetmq.h 'vnetmq queue files')"
	link drivers/net/vnetmq drivers/net/vnetmq
	link Documentation/networking/vnetmq.rst \
		Documentation/networking/vnetmq.rst
	link include/uapi/linux/vnetmq.h include/uapi/linux/vnetmq.h
	# The compatibility series' netlink family.
	link Documentation/netlink/specs/vnetmq.yaml \
		Documentation/netlink/specs/vnetmq.yaml
	link include/uapi/linux/vnetmq_netlink.h \
		include/uapi/linux/vnetmq_netlink.h
	# shellcheck disable=SC2016 # a make expression, for make
	insert_after tools/net/ynl/Makefile.deps '^CFLAGS_tcp_metrics:=' \
		'CFLAGS_vnetmq:=$(call get_hdr_inc,_LINUX_VNETMQ_NETLINK_H,vnetmq_netlink.h)'
	copy tools/testing/selftests/drivers/net/vnetmq
	link .kunitconfig .kunitconfig
}

main
