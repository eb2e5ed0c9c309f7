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
    passed, failed, shown = 0, 0, []
    for tap in sorted(pathlib.Path(results_dir).glob('*.tap')):
        in_failure = False
        for line in tap.read_text().splitlines():
            if line.startswith('not ok'):
                failed += 1
                shown.append(f'{tap.stem}: {line}')
                in_failure = True
            elif line.startswith('ok'):
                passed += 1
                in_failure = False
            elif line.startswith('#') and in_failure:
                shown.append(f'    {line}')
    for line in shown:
        print(line)
    print(f'{passed} passed, {failed} failed')
    if passed + failed == 0:
        print(f'report: no results under {results_dir}: did any stage run?',
              file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(f'usage: {sys.argv[0]} RESULTS_DIR')
    sys.exit(main(sys.argv[1]))
