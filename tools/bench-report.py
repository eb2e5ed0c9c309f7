#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: read the "run CASE ROUND PPS" lines that
tools/bench-job.sh printed in the performance kernel, and write
results.json, a bar chart of the medians with min-max whiskers
(results.png) and the same table on stdout."""

import argparse
import hashlib
import json
import statistics
import sys

# Ratios the issue asks for: vnetmq against each peer of the same boot.
RATIOS = [("vnetmq", "veth"), ("vnetmq", "lo"), ("vnetmq", "dummy"),
          ("vnetmq-4q", "vnetmq"), ("vnetmq-backend", "tun")]


def parse(path):
    """The kernel release and each case's rates, in the order first run."""
    kernel, cases = None, {}
    with open(path, encoding="utf-8") as job:
        for line in job:
            words = line.split()
            if words[:1] == ["kernel"] and len(words) == 2:
                kernel = words[1]
            elif words[:1] == ["run"] and len(words) == 4:
                cases.setdefault(words[1], []).append(int(words[3]))
    if not cases:
        sys.exit(f"bench-report: no results in {path}: see the job's output there")
    return kernel, cases


def summary(name, runs):
    """One case of results.json."""
    return {"name": name, "unit": "pps", "runs": runs, "min": min(runs),
            "median": statistics.median(runs), "max": max(runs)}


def ratios(cases):
    """Median over median, for each pair measured in this boot."""
    med = {c["name"]: c["median"] for c in cases}
    return {f"{a}/{b}": round(med[a] / med[b], 3)
            for a, b in RATIOS if a in med and b in med}


def config_sha(path):
    """The performance kernel's .config, hashed: which kernel this was."""
    with open(path, "rb") as config:
        return hashlib.sha256(config.read()).hexdigest()


def table(result):
    """The report as text."""
    lines = [f"{'case':<16} {'min':>10} {'median':>10} {'max':>10}  (Mpps)"]
    for case in result["cases"]:
        lines.append(f"{case['name']:<16} {case['min'] / 1e6:>10.3f} "
                     f"{case['median'] / 1e6:>10.3f} "
                     f"{case['max'] / 1e6:>10.3f}")
    for name, value in result["ratios"].items():
        lines.append(f"{name:<22} {value:.3f}")
    return "\n".join(lines)


def chart(result, path):
    """A bar chart of the medians, whiskers from min to max."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
    except ImportError:
        print("bench-report: no matplotlib (Debian: python3-matplotlib): "
              "no chart", file=sys.stderr)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    names = [c["name"] for c in result["cases"]]
    med = [c["median"] / 1e6 for c in result["cases"]]
    low = [m - c["min"] / 1e6 for m, c in zip(med, result["cases"])]
    high = [c["max"] / 1e6 - m for m, c in zip(med, result["cases"])]
    fig, axes = plt.subplots(figsize=(8, 4))
    axes.bar(names, med, yerr=[low, high], capsize=4, color="#4c72b0")
    axes.set_ylabel("Mpps (median, min-max)")
    axes.set_title(f"pktgen, 60-byte frames, {result['frames_per_run']} "
                   f"per run, {len(result['cases'][0]['runs'])} runs; "
                   f"{result['kernel']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    """Write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job_out")
    parser.add_argument("--config", required=True)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    kernel, runs = parse(args.job_out)
    cases = [summary(name, r) for name, r in runs.items()]
    result = {"kernel": kernel, "config_sha": config_sha(args.config),
              "frames_per_run": args.frames, "cases": cases,
              "ratios": ratios(cases)}
    with open(f"{args.out}/results.json", "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1)
        out.write("\n")
    chart(result, f"{args.out}/results.png")
    print(table(result))


if __name__ == "__main__":
    main()
