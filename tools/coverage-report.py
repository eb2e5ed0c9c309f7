#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make coverage's report, from what llvm-cov made of the driver's
files: EXPORT (llvm-cov export -format=text, JSON) and SHOW
(llvm-cov show -format=text).  Prints a line per file, the functions
never entered, then "lines: NN.N%" and "functions: NN.N%" over every
file; writes the lines never run, file by file as line ranges, to
UNCOVERED.  With --stage NAME=SHOW for each stage (its own llvm-cov
show of its own profile), also the lines each stage runs, and writes
the lines only one stage runs to only-NAME.txt beside UNCOVERED."""

import argparse
import json
import re
import sys
from pathlib import Path

SHOW_LINE = re.compile(r'^\s*(\d+)\|\s*([0-9.]+[kMGTPE]?)?\|')


def pct(covered, count):
    """COVERED of COUNT in per cent; 100.0 when there is nothing."""
    return 100.0 * covered / count if count else 100.0


def load_export(path):
    """The (files, functions) of an llvm-cov export."""
    try:
        data = json.loads(Path(path).read_text(encoding='utf-8'))['data'][0]
    except (OSError, ValueError, KeyError, IndexError) as err:
        sys.exit(f'coverage-report: {path}: not an llvm-cov export: {err}')
    return data['files'], data['functions']


def file_table(files):
    """One line per file, then the totals as (lines, functions) in %."""
    lines = [0, 0]
    funcs = [0, 0]
    rows = []
    for f in sorted(files, key=lambda f: f['filename']):
        sl, sf = f['summary']['lines'], f['summary']['functions']
        lines[0] += sl['covered']
        lines[1] += sl['count']
        funcs[0] += sf['covered']
        funcs[1] += sf['count']
        rows.append(f"{Path(f['filename']).name:<16} "
                    f"lines {pct(sl['covered'], sl['count']):5.1f}% "
                    f"({sl['covered']}/{sl['count']})  "
                    f"functions {pct(sf['covered'], sf['count']):5.1f}% "
                    f"({sf['covered']}/{sf['count']})")
    return rows, pct(*lines), pct(*funcs)


def never_entered(functions, names):
    """'file:line function' for each function of the files NAMES that
    never ran."""
    out = set()
    for fn in functions:
        if fn['count'] or not fn['filenames'] or not fn['regions']:
            continue
        if fn['filenames'][0] not in names:
            continue
        # A static function's name carries its file: "netdev.c:foo".
        name = fn['name'].rsplit(':', 1)[-1]
        out.add((Path(fn['filenames'][0]).name, fn['regions'][0][0], name))
    return [f'{f}:{line} {name}' for f, line, name in sorted(out)]


def ranges(numbers):
    """'3-5, 9' for [3, 4, 5, 9]."""
    out, start, prev = [], None, None
    for n in numbers + [None]:
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f'{start}-{prev}')
        start = prev = n
    return ', '.join(out)


def uncovered_lines(show):
    """{file: [line, ...]} of the lines whose count is 0 in SHOW."""
    out, cur = {}, None
    for text in Path(show).read_text(encoding='utf-8').splitlines():
        if text.startswith('/') and text.endswith(':'):
            cur = out.setdefault(Path(text[:-1]).name, [])
            continue
        m = SHOW_LINE.match(text)
        if m and cur is not None and m.group(2) == '0':
            cur.append(int(m.group(1)))
    return out


def line_counts(show):
    """{file: ({lines run}, {executable lines})} of SHOW."""
    out, cur = {}, None
    for text in Path(show).read_text(encoding='utf-8').splitlines():
        if text.startswith('/') and text.endswith(':'):
            cur = out.setdefault(Path(text[:-1]).name, (set(), set()))
            continue
        m = SHOW_LINE.match(text)
        if m and cur is not None and m.group(2) is not None:
            cur[1].add(int(m.group(1)))
            if m.group(2) != '0':
                cur[0].add(int(m.group(1)))
    return out


def stage_report(stages, outdir):
    """Lines each stage runs, and those that only one of them runs."""
    runs = {}
    for spec in stages:
        name, _, show = spec.partition('=')
        if not show:
            sys.exit(f'coverage-report: --stage {spec}: want NAME=SHOW')
        runs[name] = line_counts(show)
    print('lines run, by stage:')
    for name, files in runs.items():
        run = sum(len(r) for r, _ in files.values())
        count = sum(len(c) for _, c in files.values())
        others = [o for o in runs if o != name]
        only = {}
        for f, (r, _) in files.items():
            alone = r - set().union(*(runs[o].get(f, (set(), set()))[0]
                                      for o in others))
            if alone:
                only[f] = sorted(alone)
        path = Path(outdir) / f'only-{name}.txt'
        with open(path, 'w', encoding='utf-8') as out:
            for f, nums in sorted(only.items()):
                out.write(f'{f}: {ranges(nums)}\n')
        print(f'  {name:<8} {pct(run, count):5.1f}% ({run}/{count}); '
              f'{sum(map(len, only.values()))} run by no other stage '
              f'({path})')


def main():
    """Report on the export and show files named on the command line."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('export')
    ap.add_argument('show')
    ap.add_argument('uncovered')
    ap.add_argument('--stage', action='append', default=[],
                    help="NAME=SHOW: a stage's own llvm-cov show output")
    args = ap.parse_args()
    files, functions = load_export(args.export)
    if not files:
        sys.exit(f'coverage-report: {args.export} covers no file: '
                 'was the kernel built with kunit/coverage.config?')
    rows, lines, funcs = file_table(files)
    print('\n'.join(rows))
    missed = never_entered(functions, {f['filename'] for f in files})
    if missed:
        print('functions never entered:')
        print('\n'.join(f'  {m}' for m in missed))
    with open(args.uncovered, 'w', encoding='utf-8') as out:
        for name, nums in sorted(uncovered_lines(args.show).items()):
            if nums:
                out.write(f'{name}: {ranges(nums)}\n')
    print(f'lines: {lines:.1f}%')
    print(f'functions: {funcs:.1f}%')
    if args.stage:
        stage_report(args.stage, Path(args.uncovered).parent)


if __name__ == '__main__':
    main()
