#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A kselftest directory as NIPA's check_selftest wants it: every file is
listed in the Makefile (TEST_PROGS, TEST_FILES, ...; a program's C source
by the program's name in a TEST_GEN_* list, which lib.mk builds from it),
every generated one in .gitignore, and the Makefile's lists and the config
are sorted.

usage: selftest_dir.py DIR   prints DIR/file: message; exits 1 on any."""

import os
import re
import sys

# Files a selftest directory has that no TEST_* list names.
UNLISTED = {'Makefile', 'config', 'settings', '.gitignore', 'README'}
LISTS = ('TEST_PROGS', 'TEST_PROGS_EXTENDED', 'TEST_FILES', 'TEST_INCLUDES',
         'TEST_GEN_PROGS', 'TEST_GEN_PROGS_EXTENDED', 'TEST_GEN_FILES')


def makefile_lists(path: str) -> dict:
    """Each TEST_* variable's words, continuation lines joined."""
    with open(path, encoding='utf-8') as f:
        text = f.read().replace('\\\n', ' ')
    lists = {}
    for line in text.splitlines():
        m = re.match(r'^(\w+)\s*[:+]?=\s*(.*)$', line)
        if m and m.group(1) in LISTS:
            lists.setdefault(m.group(1), []).extend(m.group(2).split())
    return lists


def check(d: str) -> list:
    found = []
    mk = os.path.join(d, 'Makefile')
    if not os.path.isfile(mk):
        return [f'{mk}: missing']
    lists = makefile_lists(mk)
    listed = {w for words in lists.values() for w in words}
    generated = [w for v in LISTS if 'GEN' in v for w in lists.get(v, [])]
    listed |= {f'{w}.c' for w in generated}
    for var, words in lists.items():
        if words != sorted(words):
            found.append(f'{mk}: {var} is not sorted: {" ".join(words)}')
    for name in sorted(os.listdir(d)):
        if (name in UNLISTED or name.startswith('.') or
                name == '__pycache__' or name in listed):
            continue
        found.append(f'{os.path.join(d, name)}: not listed in the Makefile')
    ignore_path = os.path.join(d, '.gitignore')
    ignored = set()
    if os.path.isfile(ignore_path):
        with open(ignore_path, encoding='utf-8') as f:
            ignored = {line.strip().lstrip('/') for line in f}
    for name in generated:
        if name not in ignored:
            found.append(f'{ignore_path}: generated {name} not ignored')
    config = os.path.join(d, 'config')
    if os.path.isfile(config):
        with open(config, encoding='utf-8') as f:
            lines = [line for line in f.read().splitlines() if line]
        if lines != sorted(lines):
            found.append(f'{config}: not sorted')
    return found


def main(args) -> int:
    if len(args) != 1:
        print('usage: selftest_dir.py DIR', file=sys.stderr)
        return 2
    found = check(args[0])
    for msg in found:
        print(msg)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
