#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Create a pair of vnetmq devices with one RTM_NEWLINK request.

usage: vnetmq_pair.py NAME PEER [--netns NS | --netns-pid PID]
                      [--queues TX RX] [--peer-queues TX RX] [--peer-up]

The peer's struct ifinfomsg and attributes go in IFLA_VNETMQ_PEER_INFO,
the peer in network namespace NS (a name under /run/netns, as ip netns
makes) or in that of process PID; --peer-up brings the peer up (IFF_UP in
its ifinfomsg).  iproute2 does not know vnetmq's peer
attribute yet, and the YNL CLI cannot encode it (rt-link's spec has it as
binary, as netkit's).  On failure prints "ERRNO-NAME: extack message" on
stderr and exits 1.
"""

import argparse
import errno
import os
import socket
import struct
import sys

from vnetmq_nlraw import (NETLINK_CAP_ACK, NETLINK_EXT_ACK, NLM_F_ACK,
                          NLM_F_REQUEST, NLMSG_ERROR, SOL_NETLINK, answer,
                          attr, u32)

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLA_F_NESTED = 0x8000
IFLA_IFNAME = 3
IFLA_LINKINFO = 18
IFLA_NET_NS_PID = 19
IFLA_NUM_TX_QUEUES = 31
IFLA_NUM_RX_QUEUES = 32
IFLA_NET_NS_FD = 28
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
IFLA_VNETMQ_PEER_INFO = 1
IFINFOMSG = struct.Struct("BxHiII")
IFF_UP = 0x1


def link_attrs(name, queues):
    """IFLA_IFNAME, and the queue counts if given."""
    out = attr(IFLA_IFNAME, name.encode() + b"\0")
    if queues:
        out += u32(IFLA_NUM_TX_QUEUES, queues[0])
        out += u32(IFLA_NUM_RX_QUEUES, queues[1])
    return out


def request(args, ns_fd):
    """The RTM_NEWLINK message for the pair."""
    flags = IFF_UP if args.peer_up else 0
    peer = IFINFOMSG.pack(0, 0, 0, flags, flags)
    peer += link_attrs(args.peer, args.peer_queues)
    if ns_fd is not None:
        peer += u32(IFLA_NET_NS_FD, ns_fd)
    elif args.netns_pid is not None:
        peer += u32(IFLA_NET_NS_PID, args.netns_pid)
    data = attr(IFLA_VNETMQ_PEER_INFO, peer)
    info = attr(IFLA_INFO_KIND, b"vnetmq\0")
    info += attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
    body = IFINFOMSG.pack(0, 0, 0, 0, 0)
    body += link_attrs(args.name, args.queues)
    body += attr(IFLA_LINKINFO | NLA_F_NESTED, info)
    nlflags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    return struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, nlflags, 1,
                       0) + body


def main():
    """Parse the arguments, send the request, report the answer."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("name")
    parser.add_argument("peer")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--netns", help="the peer's netns, by name")
    where.add_argument("--netns-pid", type=int,
                       help="the peer's netns, that of this process")
    parser.add_argument("--queues", type=int, nargs=2, metavar=("TX", "RX"))
    parser.add_argument("--peer-queues", type=int, nargs=2, metavar=("TX", "RX"))
    parser.add_argument("--peer-up", action="store_true")
    args = parser.parse_args()

    ns_fd = None
    if args.netns:
        try:
            ns_fd = os.open(f"/run/netns/{args.netns}", os.O_RDONLY)
        except OSError as err:
            sys.exit(f"vnetmq_pair.py: netns {args.netns}: {err.strerror}"
                     " (create it with: ip netns add NAME)")
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                       NETLINK_ROUTE) as sock:
        sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        # The request is not echoed: answer() finds the TLVs after it.
        sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        sock.send(request(args, ns_fd))
        data = sock.recv(65536)
    _, kind, flags, _, _ = struct.unpack_from("IHHII", data)
    if kind != NLMSG_ERROR:
        sys.exit(f"vnetmq_pair.py: unexpected answer type {kind}")
    err, msg = answer(data[16:], flags)
    if err:
        print(f"{errno.errorcode.get(err, err)}: {os.strerror(err)}"
              f"{': ' + msg if msg else ''}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
