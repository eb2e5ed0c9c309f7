# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the apt-get and apt-cache stand-ins share: log the call, read the
# -o options that point apt at its sources and lists, know the packages.

# shellcheck disable=SC2034 # the stand-in that sources this reads them

echo "${0##*/} $*" >> "$STUB_LOG"
sourcelist=/etc/apt/sources.list
lists=/var/lib/apt/lists
args=()
while [ $# -gt 0 ]; do
	case $1 in
	-o)
		case $2 in
		Dir::Etc::SourceList=*) sourcelist=${2#*=} ;;
		Dir::State::Lists=*) lists=${2#*=} ;;
		esac
		shift 2
		;;
	-*) shift ;;
	*) args+=("$1"); shift ;;
	esac
done

need_package() {
	if ! ls "$lists"/*_Packages >/dev/null 2>&1 ||
	   [[ " ${STUB_PACKAGES:-} " != *" $1 "* ]]; then
		echo "E: No packages found" >&2
		exit 100
	fi
}
