#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The traffic of vnetmq_offload.sh: a TCP stream, UDP datagrams with a
good or a corrupted checksum, and a packet socket that says how a
datagram arrived.

usage: vnetmq_offload.py sink ADDR PORT
       vnetmq_offload.py stream ADDR PORT BYTES
       vnetmq_offload.py udp ADDR PORT [--bad]
       vnetmq_offload.py watch IFNAME PORT SECONDS

sink: accept TCP connections on ADDR:PORT and read each until its sender
shuts it down; prints "# ready" once listening, runs until killed.
stream: send BYTES over one connection and return once the sink has
read them all.  udp: one 200-byte datagram to ADDR:PORT from a UDP
socket (the stack leaves its checksum to the device), or with --bad
from a raw socket, its UDP checksum wrong.  watch: prints "# ready",
then waits up to SECONDS for one IPv4 UDP datagram to PORT on IFNAME
and prints {"frames": 0 or 1, "verified": the packet socket's
TP_STATUS_CSUM_VALID, "csum_ok": its UDP checksum is right}.
"""

import argparse
import json
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_CSUM_VALID = 1 << 7
AUXDATA = struct.Struct("IIIHHHH")
PAYLOAD = bytes(range(200))


def ones_sum(data):
    """The one's complement sum of DATA, folded to 16 bits."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def udp_csum_ok(ip_hdr, datagram):
    """Whether the checksum of UDP DATAGRAM (header and data) is right
    for the addresses in IPv4 header IP_HDR."""
    pseudo = ip_hdr[12:20] + struct.pack("!BBH", 0, socket.IPPROTO_UDP,
                                         len(datagram))
    return ones_sum(pseudo + datagram) == 0xffff


def sink(args):
    """Read connection after connection to its end."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.addr, args.port))
    srv.listen(4)
    print("# ready", flush=True)
    while True:
        conn, _ = srv.accept()
        while conn.recv(1 << 16):
            pass
        conn.close()


def stream(args):
    """BYTES to the sink, all read when this returns."""
    with socket.create_connection((args.addr, args.port)) as conn:
        conn.sendall(b"\0" * args.bytes)
        conn.shutdown(socket.SHUT_WR)
        while conn.recv(1 << 16):
            pass


def udp(args):
    """One datagram, its checksum left to the device or corrupted."""
    if not args.bad:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(PAYLOAD, (args.addr, args.port))
        return
    with socket.socket(socket.AF_INET, socket.SOCK_RAW,
                       socket.IPPROTO_UDP) as sock:
        sock.connect((args.addr, args.port))
        src = sock.getsockname()[0]
        length = 8 + len(PAYLOAD)
        pseudo = (socket.inet_aton(src) + socket.inet_aton(args.addr) +
                  struct.pack("!BBH", 0, socket.IPPROTO_UDP, length))
        head = struct.pack("!HHHH", 40000, args.port, length, 0)
        good = 0xffff - ones_sum(pseudo + head + PAYLOAD)
        bad = (good ^ 0x5a5a) or 1
        sock.send(struct.pack("!HHHH", 40000, args.port, length, bad) +
                  PAYLOAD)


def datagram_for(frame, port):
    """The IPv4 header and UDP datagram in Ethernet frame FRAME if it is
    for UDP port PORT, else None."""
    if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ihl = (frame[14] & 0xf) * 4
    ip_hdr = frame[14:14 + ihl]
    if ip_hdr[9] != socket.IPPROTO_UDP:
        return None
    udp_len = struct.unpack("!H", frame[14 + ihl + 4:14 + ihl + 6])[0]
    datagram = frame[14 + ihl:14 + ihl + udp_len]
    if struct.unpack("!H", datagram[2:4])[0] != port:
        return None
    return ip_hdr, datagram


def watch(args):
    """How the first datagram for PORT arrived on IFNAME."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_IP))
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    sock.bind((args.ifname, ETH_P_IP))
    print("# ready", flush=True)
    result = {"frames": 0, "verified": False, "csum_ok": False}
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        if not select.select([sock], [], [], end - time.monotonic())[0]:
            break
        frame, anc, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(64))
        found = datagram_for(frame, args.port)
        if not found:
            continue
        status = 0
        for level, kind, data in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                status = AUXDATA.unpack(data[:AUXDATA.size])[0]
        result = {"frames": 1,
                  "verified": bool(status & TP_STATUS_CSUM_VALID),
                  "csum_ok": udp_csum_ok(*found)}
        break
    print(json.dumps(result))


def main():
    """Parse and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("sink", "stream", "udp"):
        cmd = sub.add_parser(name)
        cmd.add_argument("addr")
        cmd.add_argument("port", type=int)
    sub.choices["stream"].add_argument("bytes", type=int)
    sub.choices["udp"].add_argument("--bad", action="store_true")
    cmd = sub.add_parser("watch")
    cmd.add_argument("ifname")
    cmd.add_argument("port", type=int)
    cmd.add_argument("seconds", type=float)
    args = parser.parse_args()
    try:
        {"sink": sink, "stream": stream, "udp": udp,
         "watch": watch}[args.cmd](args)
    except OSError as err:
        sys.exit(f"vnetmq_offload.py {args.cmd}: {err}")


if __name__ == "__main__":
    main()
