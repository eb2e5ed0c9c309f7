#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the rig kernel booted with the host filesystem as root
# (tools/uml-run.sh passes init=this).  The kernel hands us
# VNETMQ_OUT (a host directory for results) and VNETMQ_JOB (the script to
# run) in the environment.  We mount what the job needs, run it, hand its
# exit status to the host through /proc/exitcode and power off: if init
# returned instead, the kernel would panic.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# Not over /tmp: the repository (and this script) may live there.
mount -t tmpfs tmpfs /run
mkdir -p /run/tmp
TMPDIR=/run/tmp
export TMPDIR
mount -t debugfs debugfs /sys/kernel/debug
mount -t hostfs none /mnt -o "$VNETMQ_OUT"
export VNETMQ_OUT=/mnt

echo "uml-init: running $VNETMQ_JOB $VNETMQ_ARGS"
# VNETMQ_ARGS: the job's arguments, joined by commas (uml-run.sh).
IFS=,
# shellcheck disable=SC2086 # VNETMQ_ARGS is a word list by design
"$VNETMQ_JOB" $VNETMQ_ARGS > /mnt/job.out 2>&1
rc=$?
cat /mnt/job.out
echo "uml-init: job exited with $rc"

# kmemleak (the rig's debug config) scans only when asked.  Twice: an
# object whose contents changed since the last scan is not reported
# yet.  Objects younger than 5 s never are (MSECS_MIN_AGE, not a knob),
# so the scan waits that long: what the job freed, or leaked, at its
# very end counts too.  What it finds goes to the console, for
# tools/scan-log.sh.
leaks=/sys/kernel/debug/kmemleak
if [ -e "$leaks" ]; then
	sleep 5
	if echo scan > "$leaks" && echo scan > "$leaks"; then
		cat "$leaks"
		echo "uml-init: kmemleak: scanned"
	else
		echo "uml-init: kmemleak: scan failed"
	fi
fi

echo "$rc" > /proc/exitcode
umount /mnt
echo o > /proc/sysrq-trigger
sleep 10
