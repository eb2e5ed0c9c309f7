#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the rig kernel with the host filesystem as root and run one job in
# it.  The console goes to $LOGS/NAME.console.log, and to the terminal
# unless VNETMQ_UML_QUIET=1; the job's own output is in
# $UML/NAME/job.out.  Exits with the job's
# exit status, or 125 if the kernel did not come back cleanly.  The job's
# environment has VNETMQ_KSRC (the kernel tree) and, when set here,
# VNETMQ_QFILE (the selftests' C program, built on the host).
#
# usage: uml-run.sh NAME JOB [ARG...]

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: $0 NAME JOB [ARG...]"
name=$1
job=$(realpath "$2")
shift 2

# VNETMQ_LINUX: another kernel (make bench's); VNETMQ_UML_CPUS: its CPUs
# (UML_MODE, tools/lib.sh).
linux=${VNETMQ_LINUX:-$KBUILD/linux}
[ -x "$linux" ] || die "no rig kernel at $linux: run 'make kernel' first"
[ -x "$job" ] || die "job $job is not an executable file"

out=$UML/$name
# NAME=VALUE words on the kernel command line become init's environment;
# a value holds no blank, so the job's arguments go joined by commas.
for arg in "$@"; do
	[[ $arg != *[[:space:],]* ]] ||
		die "job argument '$arg': no blanks or commas (the kernel command line splits them)"
done
env_words=("VNETMQ_OUT=$out" "VNETMQ_JOB=$job" "VNETMQ_ARGS=$(IFS=,; echo "$*")"
	"VNETMQ_KSRC=$TREE")
[ -z "${VNETMQ_QFILE:-}" ] || env_words+=("VNETMQ_QFILE=$VNETMQ_QFILE")
[ -z "${VNETMQ_IOCTL:-}" ] || env_words+=("VNETMQ_IOCTL=$VNETMQ_IOCTL")
tmp=$UML/tmp
mkdir -p "$out" "$tmp" "$LOGS"
rm -f "$out/job.out"
log=$LOGS/$name.console.log

# UML maps its memory from a file in TMPDIR: it must allow exec.
set +e
TMPDIR=$tmp timeout "${VNETMQ_UML_TIMEOUT:-900}" "$linux" \
	mem=1G "${UML_MODE[@]}" \
	rootfstype=hostfs rootflags=/ ro \
	init="$VNETMQ_REPO/tools/uml-init.sh" \
	con0=fd:0,fd:1 con=null noreboot \
	"kunit.enable=${VNETMQ_UML_KUNIT:-0}" "${env_words[@]}" \
	</dev/null 2>&1 | if [ "${VNETMQ_UML_QUIET:-0}" = 1 ]; then
		cat > "$log"
	else
		tee "$log"
	fi
rc=${PIPESTATUS[0]}
set -e

if [ ! -f "$out/job.out" ]; then
	note "$name: the job never ran (UML exit $rc); see $log"
	exit 125
fi
exit "$rc"
