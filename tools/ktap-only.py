#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Copy a kernel console from stdin to stdout without the stray lines in
its KTAP output, so that kunit.py's parser reads the results only.

Kernel messages that are not KUnit's can print between KTAP lines: an
asynchronous probe (QEMU's PS/2 mouse under the KCSAN kernel), a timer
on the other CPU.  kunit.py's parser takes such a line between a suite's
"# module:" line and its plan for the end of the suite, and then reports
every later suite as crashed although each passed.  After the first
"KTAP version" line this keeps what KTAP is made of: version and plan
lines, results, "#" diagnostics and indented lines (a suite's own, or a
report's stack).  Unindented lines that are none of these go; they stay
in the console itself, which tools/scan-log.sh reads for kernel reports.
"""

import re
import sys

START = re.compile(r'(K?TAP version [0-9]+)$')
KTAP = re.compile(r'(K?TAP version |1\.\.|ok |not ok |#|\s)')


def ktap_only(lines):
    prefix = None
    for line in lines:
        line = line.rstrip('\n')
        if prefix is None:
            m = START.search(line)
            if m:
                prefix = m.start()
            yield line
        elif KTAP.match(line[prefix:]):
            yield line


def main() -> int:
    sys.stdin.reconfigure(errors='backslashreplace')
    for line in ktap_only(sys.stdin):
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
