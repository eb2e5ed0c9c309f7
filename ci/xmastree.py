#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check netdev's reverse-christmas-tree rule on C files.

Documentation/process/maintainer-netdev.rst: "order the variable
declaration lines longest to shortest".  No upstream tool checks it, so
reviewers do.  For every block of code (a function body, or a block
nested in one) the run of declarations that opens it must not have a
line longer than the one before it.  A declaration spread over several
lines is measured by its first line.  The one exception reviewers
accept: an initializer that uses a variable declared above it, which
fixes the order.  Prints FILE:LINE: message for each violation; exits 1
if there is one.
"""

import re
import sys

KEYWORDS = {'return', 'goto', 'break', 'continue', 'case', 'default',
            'else', 'do', 'sizeof', 'typeof', 'if', 'for', 'while',
            'switch'}
# A type (with qualifiers and pointer stars), a name, maybe an array
# size, maybe an initializer; ending the line or continued on the next.
DECL = re.compile(
    r'^(?P<type>(?:(?:const|static|volatile|unsigned|signed|struct|enum|'
    r'union|register)\s+)*[A-Za-z_]\w*(?:\s+(?:const|int|long|char|short)\b)*)'
    r'[\s*]+(?:const\s+)?(?P<name>[A-Za-z_]\w*)\s*(?:\[[^\]]*\])?'
    r'\s*(?:=.*|,.*|;)$')


# Lines that open a type or an initializer, not a block of code.
NOT_CODE = re.compile(r'^\s*((static|const|typedef)\s+)*(struct|union|enum)\b[^(]*\{$|=\s*\{$')
IDENT = re.compile(r'[A-Za-z_]\w*')


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip('\t'))


def is_decl(text: str) -> bool:
    m = DECL.match(text)
    return bool(m) and m.group('type').split()[0] not in KEYWORDS


def declaration_runs(lines):
    """Yield (block_line, [(line_no, text), ...]) for each block's run of
    opening declarations."""
    for i, line in enumerate(lines):
        if (not line.rstrip().endswith('{') or NOT_CODE.match(line) or
                line.lstrip().startswith(('//', '*'))):
            continue
        inner = indent_of(line) + 1
        run, j = [], i + 1
        while j < len(lines):
            text = lines[j].rstrip()
            if indent_of(text) != inner or not is_decl(text.strip()):
                break
            run.append((j + 1, text.strip()))
            # Skip the continuation lines of a multi-line declaration.
            j += 1
            while (j < len(lines) and not text.endswith(';') and
                   indent_of(lines[j]) > inner):
                text = lines[j].rstrip()
                j += 1
        if len(run) > 1:
            yield i + 1, run


def uses(decl: str, names) -> bool:
    """True if DECL's initializer uses one of NAMES."""
    if '=' not in decl:
        return False
    return bool(set(IDENT.findall(decl.split('=', 1)[1])) & set(names))


def check(path: str) -> list:
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    found = []
    for _, run in declaration_runs(lines):
        names = []
        for (_, prev), (no, text) in zip(run, run[1:]):
            names.append(DECL.match(prev).group('name'))
            if len(text) > len(prev) and not uses(text, names):
                found.append(f'{path}:{no}: declaration longer than the '
                             f'one above it (reverse christmas tree): '
                             f'"{text}"')
    return found


def main(paths) -> int:
    if not paths:
        print(f'usage: {sys.argv[0]} FILE.c...', file=sys.stderr)
        return 2
    found = [msg for p in paths for msg in check(p)]
    for msg in found:
        print(msg)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
