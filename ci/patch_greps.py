#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netdev's greps on the lines a patch adds, as NIPA runs them: inline in
.c files, non-inline functions in headers, new module parameters,
untracked dev_hold()/dev_put(), and the author's Signed-off-by.

usage: patch_greps.py PATCH...   prints PATCH: file:line: message; exits 1
on any finding."""

import re
import sys

RULES = [
    (re.compile(r'\.c$'), re.compile(r'\binline\b'),
     'inline in a .c file: let the compiler decide'),
    (re.compile(r'\.h$'),
     re.compile(r'^static\s+(?!inline\b)(?!const\b)[^=;]*\w\s*\([^;]*$'),
     'non-inline function in a header'),
    (re.compile(r''), re.compile(r'\bmodule_param(_named|_array)?\s*\('),
     'new module parameter (netdev does not take them)'),
    (re.compile(r''), re.compile(r'\bdev_(hold|put)\s*\('),
     'untracked dev_hold()/dev_put(): use netdev_hold()/netdev_put()'),
]


def check(path: str) -> list:
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    found = []
    # Unfold header lines: a long From: continues on the next line.
    head = re.sub(r'\n[ \t]+', ' ', text.split('\n\n', 1)[0])
    author = re.search(r'^From: (.+)$', head, re.M)
    signers = re.findall(r'^Signed-off-by: (.+)$', text, re.M)
    if not signers:
        found.append(f'{path}: no Signed-off-by')
    elif author and author.group(1).strip() not in [s.strip() for s in signers]:
        found.append(f'{path}: no Signed-off-by from the author '
                     f'({author.group(1).strip()})')
    name, line_no = None, 0
    for line in text.splitlines():
        if line.startswith('+++ '):
            name = line[6:] if line.startswith('+++ b/') else None
            continue
        hunk = re.match(r'^@@ -\d+(?:,\d+)? \+(\d+)', line)
        if hunk:
            line_no = int(hunk.group(1)) - 1
            continue
        if name is None or line.startswith('-'):
            continue
        line_no += 1
        if not line.startswith('+'):
            continue
        for file_re, line_re, msg in RULES:
            if file_re.search(name) and line_re.search(line[1:]):
                found.append(f'{path}: {name}:{line_no}: {msg}')
    return found


def main(paths) -> int:
    if not paths:
        print(__doc__.strip().split('\n\n')[-1], file=sys.stderr)
        return 2
    found = [msg for p in paths for msg in check(p)]
    for msg in found:
        print(msg)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
