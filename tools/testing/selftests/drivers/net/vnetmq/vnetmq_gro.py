#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one TCP flow's consecutive segments on a device from a packet
socket, then a frame of another flow, and count the frames of the first
flow that the stack received: one if GRO merged them, all of them if not.

The segments are sent while the caller keeps the RX queue from polling
(vnetmq's debugfs rx<n>_paused), so they reach one poll together; the
caller lifts the pause and the last frame kicks that poll.  With --tap,
an ETH_P_ALL socket (what tcpdump opens) is open on the device meanwhile,
so every frame sent is a clone of the one the tap gets.  Prints one
JSON object:  {"sent": N, "received": n, "lengths": [...]}
"""

import argparse
import json
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_HOST = 0
SRC, DST = bytes([198, 51, 100, 2]), bytes([198, 51, 100, 1])


def csum(data):
    """The Internet checksum of DATA."""
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def segment(mac, sport, seq, ident, payload):
    """An Ethernet frame carrying one ACK segment of a TCP flow, IP ID
    IDENT (GRO merges only consecutive IDs)."""
    tcp = struct.pack('!HHIIBBHHH', sport, 5001, seq, 1, 5 << 4, 0x10,
                      65535, 0, 0) + payload
    pseudo = SRC + DST + struct.pack('!BBH', 0, socket.IPPROTO_TCP,
                                     len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), ident,
                      0x4000, 64, socket.IPPROTO_TCP, 0, SRC, DST)
    iph = iph[:10] + struct.pack('!H', csum(iph)) + iph[12:]
    return mac + mac + struct.pack('!H', ETH_P_IP) + iph + tcp


def main():
    """Send the flow and the kick, count what came up, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ifname')
    parser.add_argument('--segments', type=int, default=8)
    parser.add_argument('--unpause', required=True,
                        help='the debugfs rx<n>_paused file to clear')
    parser.add_argument('--tap', action='store_true',
                        help='keep an ETH_P_ALL socket open on the device')
    args = parser.parse_args()
    with open(f'/sys/class/net/{args.ifname}/address',
              encoding='ascii') as addr:
        mac = bytes.fromhex(addr.read().strip().replace(':', ''))

    if args.tap:
        tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                            socket.htons(ETH_P_ALL))
        tap.bind((args.ifname, ETH_P_ALL))
    rx_sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                            socket.htons(ETH_P_IP))
    rx_sock.bind((args.ifname, ETH_P_IP))
    tx_sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx_sock.bind((args.ifname, 0))
    for i in range(args.segments):
        tx_sock.send(segment(mac, 40000, 1 + 100 * i, i, bytes(100)))
    with open(args.unpause, 'w', encoding='ascii') as knob:
        knob.write('0')
    tx_sock.send(segment(mac, 40001, 1, 0, bytes(100)))

    lengths = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not select.select([rx_sock], [], [], 0.5)[0]:
            if lengths:
                break
            continue
        frame, addr = rx_sock.recvfrom(65536)
        sport = struct.unpack('!H', frame[34:36])[0]    # after Ethernet, IP
        if addr[2] == PACKET_HOST and sport == 40000:
            lengths.append(len(frame))
    if args.tap:
        tap.close()
    print(json.dumps({'sent': args.segments, 'received': len(lengths),
                      'lengths': lengths}))


def run():
    """main(), with an OSError as a one-line message."""
    try:
        main()
    except OSError as err:
        return f'vnetmq_gro: {err}'
    return 0


if __name__ == '__main__':
    sys.exit(run())
