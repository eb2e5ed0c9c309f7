#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The vnetmq netlink family's commands in one task, for the fault sweep.

usage: fault-netlink.py KSRC IFINDEX

/proc/self/fail-nth counts the allocations of one task, and the YNL CLI
makes one request per process: this runs queue-get, stats-reset and
echo from one process so tools/fault-job.sh can fail each allocation
they make.  A refused request prints its error on stderr, exit 1.
"""

import pathlib
import sys


def main():
    """Send the three requests; 1 and the kernel's error if one fails."""
    if len(sys.argv) != 3:
        sys.exit("usage: fault-netlink.py KSRC IFINDEX")
    ksrc = pathlib.Path(sys.argv[1])
    ifindex = int(sys.argv[2])
    sys.path.append(str(ksrc / "tools/net/ynl/pyynl"))
    # pylint: disable=import-outside-toplevel,import-error
    from lib import YnlFamily, NlError

    ynl = YnlFamily(str(ksrc / "Documentation/netlink/specs/vnetmq.yaml"))
    try:
        ynl.do("queue-get", {"ifindex": ifindex, "type": "tx", "id": 1})
        ynl.do("stats-reset", {"ifindex": ifindex})
        ynl.do("echo", {"payload": b"\x00\xff"})
    except NlError as err:
        print(f"fault-netlink: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
