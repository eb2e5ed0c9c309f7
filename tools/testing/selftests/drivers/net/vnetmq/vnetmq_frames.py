#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send Ethernet frames on a device from a packet socket and count, per RX
queue, the frames that come back.

The receive side is an independent oracle for the device's queue mapping:
packet sockets joined in a PACKET_FANOUT_QM group, which hands a frame to
socket (skb->queue_mapping % sockets).  On receive queue_mapping is the
recorded RX queue plus one, or 0 if the driver recorded none, so with
RX queues + 1 sockets socket 0 counts unrecorded frames and socket q + 1
counts RX queue q.
Prints one JSON object:
  {"sent": N, "rx_queues": [n0, n1, ...], "unrecorded": n}
"""

import argparse
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_VNETMQ = 0x88B5          # IEEE 802 local experimental EtherType
SOL_PACKET = 263
PACKET_FANOUT = 18
PACKET_FANOUT_QM = 5
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33
SO_PRIORITY = 12


def mac_of(ifname):
    """The device's MAC address, as bytes."""
    with open(f'/sys/class/net/{ifname}/address', encoding='ascii') as addr:
        return bytes.fromhex(addr.read().strip().replace(':', ''))


def open_receivers(ifname, count):
    """COUNT non-blocking packet sockets in one PACKET_FANOUT_QM group."""
    group = os.getpid() & 0xffff
    socks = []
    for _ in range(count):
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                             socket.htons(ETH_P_VNETMQ))
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        sock.bind((ifname, ETH_P_VNETMQ))
        sock.setsockopt(SOL_PACKET, PACKET_FANOUT,
                        group | (PACKET_FANOUT_QM << 16))
        sock.setblocking(False)
        socks.append(sock)
    return socks


def send_frames(ifname, count, size, priority=None, interval=0.0):
    """Send COUNT frames of SIZE bytes to the device's own address, with
    skb->priority PRIORITY if given, INTERVAL seconds apart."""
    mac = mac_of(ifname)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    if priority is not None:
        sock.setsockopt(socket.SOL_SOCKET, SO_PRIORITY, priority)
    sock.bind((ifname, 0))
    header = mac + mac + struct.pack('!H', ETH_P_VNETMQ)
    for seq in range(count):
        payload = struct.pack('!I', seq).ljust(size - len(header), b'\0')
        sock.send(header + payload)
        if interval:
            time.sleep(interval)
    sock.close()


def drain(socks, want, timeout):
    """Count the frames each socket receives until WANT or TIMEOUT."""
    counts = [0] * len(socks)
    deadline = time.monotonic() + timeout
    while sum(counts) < want and time.monotonic() < deadline:
        ready, _, _ = select.select(socks, [], [], 0.2)
        for sock in ready:
            idx = socks.index(sock)
            while True:
                try:
                    _, addr = sock.recvfrom(65536)
                except BlockingIOError:
                    break
                if addr[2] != PACKET_OUTGOING:
                    counts[idx] += 1
    return counts


def main():
    """Send, count per RX queue, print the counts as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ifname')
    parser.add_argument('--count', type=int, default=100)
    parser.add_argument('--size', type=int, default=60)
    parser.add_argument('--rx-queues', type=int, required=True,
                        help='the number of RX queues to tell apart')
    parser.add_argument('--timeout', type=float, default=10.0)
    parser.add_argument('--priority', type=int,
                        help='SO_PRIORITY of the sender (picks a traffic '
                        'class through mqprio\'s map)')
    parser.add_argument('--interval', type=float, default=0.0,
                        help='seconds between two frames')
    args = parser.parse_args()
    if args.size < 18:
        parser.error('--size must be at least 18 '
                     '(Ethernet header and sequence number)')
    socks = open_receivers(args.ifname, args.rx_queues + 1)
    send_frames(args.ifname, args.count, args.size, args.priority,
                args.interval)
    counts = drain(socks, args.count, args.timeout)
    json.dump({'sent': args.count, 'rx_queues': counts[1:],
               'unrecorded': counts[0]}, sys.stdout)
    print()


if __name__ == '__main__':
    try:
        main()
    except OSError as err:
        sys.exit(f'vnetmq_frames: {err}')
