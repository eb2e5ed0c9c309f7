#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the KTAP results of make mainline's runs (tools/mainline-job.sh)
and write them as JSON, one entry per test file with pass, fail, skip
and xfail counts per device, and as a table on stdout.

A file that dies before its plan counts one case: xfail when it raised
KsftXfailEx (the hw/ tests that refuse netdevsim in their set-up), skip
for KsftSkipEx, otherwise fail.  Cases its plan announced that never
reported (a crash, a timeout) count as failures.

usage: mainline-results.py JOB_DIR RESULTS_JSON
"""

import json
import pathlib
import re
import sys

DEVICES = ('vnetmq', 'netdevsim', 'veth')
RESULT = re.compile(r'^(not ok|ok) \d+ \S+(?:\s+#\s*(\w+))?')
PLAN = re.compile(r'^1\.\.(\d+)')


def count(text: str) -> dict:
    """Counts of one run's output."""
    got = {'pass': 0, 'fail': 0, 'skip': 0, 'xfail': 0}
    plan = None
    seen = 0
    for line in text.splitlines():
        m = PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if not m or plan is None:
            continue
        seen += 1
        directive = (m.group(2) or '').upper()
        if directive == 'SKIP':
            got['skip'] += 1
        elif directive == 'XFAIL':
            got['xfail'] += 1
        elif m.group(1) == 'ok':
            got['pass'] += 1
        else:
            got['fail'] += 1
    if plan is None:
        if 'KsftXfailEx' in text:
            got['xfail'] = 1
        elif 'KsftSkipEx' in text:
            got['skip'] = 1
        else:
            got['fail'] = 1
    elif seen < plan:
        got['fail'] += plan - seen
    return got


def cell(c: dict) -> str:
    """One device's counts, as p/f/s/x."""
    return f"{c['pass']}/{c['fail']}/{c['skip']}/{c['xfail']}"


def main(job_dir: str, out_path: str) -> int:
    job = pathlib.Path(job_dir)
    try:
        plan = [line.split() for line in
                (job / 'plan').read_text(encoding='utf-8').splitlines()
                if line.strip()]
    except OSError as e:
        print(f'mainline-results: no plan in {job_dir}: {e}', file=sys.stderr)
        return 1
    files = []
    results = {}
    for dev, file in plan:
        if file not in results:
            files.append(file)
            results[file] = {}
        ktap = job / 'ktap' / dev / (file.replace('/', '__') + '.ktap')
        try:
            text = ktap.read_text(encoding='utf-8', errors='replace')
        except OSError:
            text = ''
        results[file][dev] = count(text)
    doc = {'tests': [{'file': f, 'results': results[f]} for f in files]}
    out = pathlib.Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + '\n', encoding='utf-8')

    devs = [d for d in DEVICES if any(d in results[f] for f in files)]
    width = max(len(f) for f in files) if files else 4
    print('pass/fail/skip/xfail per device')
    print(f"{'file':<{width}}  " + '  '.join(f'{d:<11}' for d in devs))
    totals = {d: {'pass': 0, 'fail': 0, 'skip': 0, 'xfail': 0} for d in devs}
    for f in files:
        row = []
        for d in devs:
            c = results[f].get(d)
            row.append(f'{cell(c):<11}' if c else f"{'-':<11}")
            for k in c or {}:
                totals[d][k] += c[k]
        print(f'{f:<{width}}  ' + '  '.join(row))
    print(f"{'total':<{width}}  " +
          '  '.join(f'{cell(totals[d]):<11}' for d in devs))
    print(f'results: {out}')
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
