#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail a run whose console log holds a kernel report.  Only KASAN and
# UBSAN fail a KUnit case by themselves; lockdep, WARN, DEBUG_OBJECTS,
# KCSAN, kmemleak and refcount reports only print, so every KUnit, KCSAN
# and e2e log goes through here.  Prints each report as LOG:LINE: text.
#
# usage: scan-log.sh STAGE LOG

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: $0 STAGE LOG"
stage=$1
log=$2

# What a kernel report looks like in the console log.
reports=(
	'WARNING:'			# WARN(), lockdep, suspicious RCU usage
	'BUG:'				# BUG(), KASAN, sleeping in atomic
	'BUG: KCSAN:'			# a data race (kept should 'BUG:' narrow)
	'cut here'			# start of any WARN/BUG splat
	'UBSAN:'
	'ODEBUG:'			# DEBUG_OBJECTS
	'refcount_t:'
	'ref_tracker:'			# leaked netdev/netns references
	'kmemleak:.*suspected memory leak'
	'unreferenced object'		# kmemleak's report of one leak
	'kmemleak:.*(disabled|scan failed)'	# a scan that finds nothing
	'Kernel panic'
	'unregister_netdevice: waiting for'	# a device that never goes
	'blocked for more than'		# hung task
	'detected stall'		# RCU stall
	'asks to queue packet'		# TX path of a noqueue device
)

# Known noise that is not a defect, one ERE per line, each with the
# reason it is harmless.  The rig kernel boots without a report but one
# (boot_splat below).
allowed=(
	# pktgen's pr_warn() when ethtool -L shrank the TX queues under
	# its queue range (make stress): it clamps the range and sends on
	'pktgen: WARNING: Requested queue_map_(min|max)'
	# pktgen's pr_warn() when rem_device_all finds a device still
	# sending: "echo start > pgctrl" waits only 125 ms for its thread
	# to pick the run up, so on a loaded host it returns before the run
	# began, and the next run's rem_device_all stops it (make stress)
	'pktgen: WARNING: trying to remove a running interface, stopping it now'
	# ref_tracker's pr_err_once() when the allocation of a tracker
	# fails (make faults, linking a pair's ends): the reference is
	# taken all the same, only untracked; a leak is still reported
	'ref_tracker: memory allocation failure, unreliable refcount tracker'
)

join() {
	local IFS='|'
	echo "$*"
}

# boot_splat LOG: the line of the one report every boot of the rig
# kernel prints, if LOG has it, as "N:" for grep -v.  UML frees a
# secondary CPU's start-up data in os_start_secondary() before that CPU
# is online; kmemleak tracks the kfree() with call_rcu(), which lockdep's
# RCU checking reports as "Callback enqueued on offline CPU".  A UML
# defect, before any test runs; lockdep stays on after it.
boot_splat() {
	awk '/WARNING: suspicious RCU usage/ { at = NR; rcu = 0 }
	     at && NR - at < 8 && /Callback enqueued on offline CPU/ { rcu = 1 }
	     at && rcu && NR - at < 60 && /os_start_secondary/ {
		print at ":"; exit }' "$1"
}

[ -f "$log" ] || die "no console log at $log"
found=$(grep -nE "$(join "${reports[@]}")" "$log" || true)
splat=$(boot_splat "$log")
if [ -n "$found" ] && [ -n "$splat" ]; then
	found=$(grep -v "^$splat" <<<"$found" || true)
fi
if [ -n "$found" ] && [ ${#allowed[@]} -gt 0 ]; then
	found=$(grep -vE "$(join "${allowed[@]}")" <<<"$found" || true)
fi
if [ -n "$found" ]; then
	while IFS= read -r line; do
		echo "$log:$line" >&2
	done <<<"$found"
	note "$stage: kernel report in $log"
	result "$stage" 1 "$stage: kernel log clean ($log)"
	exit 1
fi
result "$stage" 0 "$stage: kernel log clean ($log)"
