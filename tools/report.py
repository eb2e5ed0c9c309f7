#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum up the rig's results: every stage leaves flat TAP lines
("ok - NAME" / "not ok - NAME") in RESULTS/*.tap, a failure possibly
followed by "# " diagnostic lines.  Prints the failures with their
diagnostics, then one line "N passed, N failed"; exits 1 if anything
failed or nothing ran."""

import pathlib
import sys


def main(results_dir: str) -> int:
    passed, failed = 0, []
    for tap in sorted(pathlib.Path(results_dir).glob('*.tap')):
        last = None
        for line in tap.read_text().splitlines():
            if line.startswith('not ok'):
                failed.append(f'{tap.stem}: {line}')
                last = line
            elif line.startswith('ok'):
                passed += 1
                last = line
            elif line.startswith('#') and last and last.startswith('not'):
                failed.append(f'    {line}')
    for line in failed:
        print(line)
    nfailed = sum(1 for line in failed if not line.startswith(' '))
    print(f'{passed} passed, {nfailed} failed')
    if passed + len(failed) == 0:
        print(f'report: no results under {results_dir}: did any stage run?',
              file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(f'usage: {sys.argv[0]} RESULTS_DIR')
    sys.exit(main(sys.argv[1]))
