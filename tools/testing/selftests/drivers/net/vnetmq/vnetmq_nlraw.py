#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Requests to the vnetmq netlink family that no YNL client would build.

usage: vnetmq_nlraw.py IFINDEX CASE

The YNL CLI encodes attributes as the spec types them, so it cannot
send one of the wrong size or of a number the family lacks.  This
builds each CASE by hand and prints the kernel's answer as
"ERRNO-NAME: extack message" ("0" if it was accepted):

  short-ifindex    stats-reset with a 2-byte ifindex (a u32 in the spec)
  long-type        queue-get with an 8-byte type
  unknown-attr     stats-reset with attribute 99 besides the ifindex
  unknown-cmd      command 99
  truncated        stats-reset whose ifindex attribute runs past the end
"""

import errno
import os
import socket
import struct
import sys

NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 0x2
NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10

CMD_STATS_RESET = 2
CMD_QUEUE_GET = 3
A_QUEUE_IFINDEX = 1
A_QUEUE_TYPE = 2
A_QUEUE_ID = 3


def attr(kind, payload):
    """One netlink attribute, padded to 4 bytes."""
    raw = struct.pack("HH", 4 + len(payload), kind) + payload
    return raw + b"\0" * (-len(raw) % 4)


def u32(kind, value):
    """A u32 attribute."""
    return attr(kind, struct.pack("I", value))


def request(sock, family, cmd, attrs):
    """Send one genetlink request; its answer as (errno, extack text)."""
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    sock.send(struct.pack("IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK, 1, os.getpid()) + body)
    while True:
        data = sock.recv(65536)
        off = 0
        while off + 16 <= len(data):
            length, kind, flags = struct.unpack_from("IHH", data, off)
            if kind == NLMSG_ERROR:
                return answer(data[off + 16:off + length], flags)
            off += (length + 3) & ~3


def answer(payload, flags):
    """errno and extack message of an NLMSG_ERROR payload."""
    err = -struct.unpack_from("i", payload)[0]
    # NETLINK_CAP_ACK: the request is not echoed, the TLVs follow it.
    off = 4 + 16
    msg = ""
    while flags & NLM_F_ACK_TLVS and off + 4 <= len(payload):
        length, kind = struct.unpack_from("HH", payload, off)
        if length < 4:
            break
        if kind == NLMSGERR_ATTR_MSG:
            msg = payload[off + 4:off + length].rstrip(b"\0").decode()
        off += (length + 3) & ~3
    return err, msg


def family_id(sock):
    """The vnetmq family's id, from the generic netlink controller."""
    body = attr(CTRL_ATTR_FAMILY_NAME, b"vnetmq\0")
    sock.send(struct.pack("IHHII", 20 + len(body), GENL_ID_CTRL,
                          NLM_F_REQUEST, 1, os.getpid()) +
              struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + body)
    data = sock.recv(65536)
    kind = struct.unpack_from("H", data, 4)[0]
    if kind == NLMSG_ERROR:
        err = -struct.unpack_from("i", data, 16)[0]
        sys.exit(f"vnetmq_nlraw: no vnetmq netlink family: "
                 f"{os.strerror(err)}")
    off = 20
    while off + 4 <= len(data):
        length, kind = struct.unpack_from("HH", data, off)
        if kind == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from("H", data, off + 4)[0]
        off += (length + 3) & ~3
    sys.exit("vnetmq_nlraw: the controller named no family id")


def cases(ifindex):
    """CASE name: (command, attributes)."""
    ifx = u32(A_QUEUE_IFINDEX, ifindex)
    return {
        "short-ifindex": (CMD_STATS_RESET,
                          attr(A_QUEUE_IFINDEX, struct.pack("H", ifindex))),
        "long-type": (CMD_QUEUE_GET, ifx +
                      attr(A_QUEUE_TYPE, struct.pack("Q", 1)) +
                      u32(A_QUEUE_ID, 0)),
        "unknown-attr": (CMD_STATS_RESET, ifx + u32(99, 0)),
        "unknown-cmd": (99, ifx),
        "truncated": (CMD_STATS_RESET,
                      struct.pack("HH", 64, A_QUEUE_IFINDEX) +
                      struct.pack("I", ifindex)),
    }


def main():
    """Send CASE, print its answer."""
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__.strip().split("\n\n", 2)[1])
    table = cases(int(sys.argv[1]))
    if sys.argv[2] not in table:
        sys.exit(f"vnetmq_nlraw: no case '{sys.argv[2]}' "
                 f"(have: {' '.join(table)})")
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    err, msg = request(sock, family_id(sock), *table[sys.argv[2]])
    # Python names 95 ENOTSUP, its alias; the kernel's name is EOPNOTSUPP.
    name = ("EOPNOTSUPP" if err == errno.EOPNOTSUPP
            else errno.errorcode.get(err, str(err)))
    print(f"{name}: {msg}" if err else "0")


if __name__ == "__main__":
    main()
