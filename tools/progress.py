#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Show that long rig work is alive.

Two ways in:
  progress.py --label L --log FILE [--count RE] [--expect N] < STREAM
      copies STREAM (e.g. kbuild's output) to FILE and counts the lines
      that match RE (objects built) until STREAM ends;
  progress.py --label L --pid PID [--size-of PATH]
      watches process PID (and how big PATH grows) until it exits.

On a terminal it keeps one line updated in place; otherwise (CI) it
prints a plain line every --interval seconds (default 60), then one line
when the work is done.
"""

import argparse
import os
import re
import select
import sys
import time


def human_size(n: int) -> str:
    for unit in ('B', 'KB', 'MB', 'GB'):
        if n < 1024 or unit == 'GB':
            return f'{n:.0f} {unit}' if unit == 'B' else f'{n:.1f} {unit}'
        n /= 1024
    return ''


def tree_size(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def running(pid: int) -> bool:
    """True while PID runs; a zombie waiting for its parent's wait has
    finished its work."""
    try:
        with open(f'/proc/{pid}/stat', encoding='ascii') as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != 'Z'


class Display:
    def __init__(self, args):
        self.args = args
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = self.start
        self.count = 0

    def status(self) -> str:
        a = self.args
        secs = int(time.monotonic() - self.start)
        parts = []
        if a.count:
            total = f' of ~{a.expect}' if a.expect else ''
            parts.append(f'{self.count}{total} objects built')
        if a.size_of:
            parts.append(human_size(tree_size(a.size_of)))
        parts.append(f'{secs // 60}m{secs % 60:02d}s')
        return f'{a.label}: ' + ', '.join(parts)

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        every = 1 if self.tty else self.args.interval
        if not force and now - self.last < every:
            return
        self.last = now
        if self.tty:
            sys.stderr.write('\r\033[K' + self.status())
        else:
            sys.stderr.write(self.status() + '\n')
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty:
            sys.stderr.write('\r\033[K')
        sys.stderr.write(self.status() + ', done\n')
        sys.stderr.flush()


def follow_stream(disp: Display, log_path: str, pattern) -> None:
    # Raw reads, not readline(): select() cannot see lines already
    # buffered inside a file object.
    fd = sys.stdin.fileno()
    pending = b''
    with open(log_path, 'wb') as log:
        while True:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                log.write(chunk)
                *lines, pending = (pending + chunk).split(b'\n')
                disp.count += count_matches(pattern, lines)
            disp.tick()
    disp.count += count_matches(pattern, [pending])


def count_matches(pattern, lines) -> int:
    if not pattern:
        return 0
    return sum(1 for line in lines
               if pattern.search(line.decode('utf-8', 'replace')))


def follow_pid(disp: Display, pid: int) -> None:
    while running(pid):
        time.sleep(0.5)
        disp.tick()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--label', required=True)
    p.add_argument('--log', help='copy standard input here')
    p.add_argument('--count', help='count input lines matching this regex')
    p.add_argument('--expect', type=int, default=0,
                   help='how many matching lines a full run has')
    p.add_argument('--pid', type=int, help='watch this process instead')
    p.add_argument('--size-of', help='also show how big this path is')
    p.add_argument('--interval', type=float,
                   default=float(os.environ.get('VNETMQ_PROGRESS_INTERVAL', 60)),
                   help='seconds between lines when not on a terminal')
    args = p.parse_args()
    if (args.pid is None) == (args.log is None):
        p.error('give exactly one of --log (read a stream) and --pid')
    disp = Display(args)
    if args.pid is not None:
        follow_pid(disp, args.pid)
    else:
        follow_stream(disp, args.log,
                      re.compile(args.count) if args.count else None)
    disp.done()
    if args.log is not None and args.count:
        print(disp.count)
    return 0


if __name__ == '__main__':
    sys.exit(main())
