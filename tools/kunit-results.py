#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn kunit.py's --json output into flat TAP lines, one per test case
(each parameter of a parameterized case counts as a case), named
"LABEL: suite.case" (LABEL: kunit, or the stage that ran them)."""

import json
import sys


def cases(group, prefix):
    name = f"{prefix}.{group['name']}" if prefix else group['name']
    for case in group.get('test_cases', []):
        yield f"{name}.{case['name']}", case['status']
    for sub in group.get('sub_groups', []):
        yield from cases(sub, name)


def main(path: str, label: str = 'kunit') -> int:
    try:
        with open(path, encoding='utf-8') as f:
            root = json.load(f)
    except (OSError, ValueError) as e:
        print(f'kunit-results: cannot read {path}: {e}', file=sys.stderr)
        return 1
    for sub in root.get('sub_groups', []):
        for name, status in cases(sub, ''):
            if status == 'SKIP':
                print(f'ok - {label}: {name} # SKIP')
            elif status == 'PASS':
                print(f'ok - {label}: {name}')
            else:
                print(f'not ok - {label}: {name} ({status})')
    return 0


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3):
        sys.exit(f'usage: {sys.argv[0]} KUNIT_JSON [LABEL]')
    sys.exit(main(*sys.argv[1:]))
