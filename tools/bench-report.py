#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: read the "run CASE ROUND RATE" lines that
tools/bench-job.sh printed in the performance kernel (frames per second;
bits per second for the TCP cases, "*-tcp"), and write results.json, a
bar chart of the medians with min-max whiskers (results.png) and the
same table on stdout."""

import argparse
import hashlib
import json
import statistics
import sys

# Ratios the issue asks for: vnetmq against each peer of the same boot;
# then what RX coalescing buys, and like against like: vnetmq with GRO
# off against veth and lo, which run no GRO by default, and vnetmq
# against veth running GRO on every frame as vnetmq does.
RATIOS = [("vnetmq", "veth"), ("vnetmq", "lo"), ("vnetmq", "dummy"),
          ("vnetmq", "veth-gro"),
          ("vnetmq-4q", "vnetmq"), ("vnetmq-backend", "tun"),
          ("vnetmq-backend-write", "tun-write"),
          ("vnetmq", "vnetmq-coal-off"), ("vnetmq-gro-off", "veth"),
          ("vnetmq-gro-off", "lo"),
          ("vnetmq-pair", "veth-pair"), ("vnetmq-pair-tcp", "veth-pair-tcp")]


def parse(path):
    """The kernel release, each case's rates in the order first run, the
    frames per NAPI poll of each run of the cases that report polls, and
    the latency probes ("lat CASE GAP_US MEDIAN_NS P99_NS")."""
    kernel, cases, per_poll, latency = None, {}, {}, []
    with open(path, encoding="utf-8") as job:
        for line in job:
            words = line.split()
            if words[:1] == ["kernel"] and len(words) == 2:
                kernel = words[1]
            elif words[:1] == ["run"] and len(words) == 4:
                cases.setdefault(words[1], []).append(int(words[3]))
            elif words[:1] == ["polls"] and len(words) == 5:
                per_poll.setdefault(words[1], []).append(
                    int(words[3]) / max(int(words[4]), 1))
            elif words[:1] == ["lat"] and len(words) == 5:
                latency.append({"name": words[1], "gap_us": int(words[2]),
                                "median_us": round(int(words[3]) / 1e3, 1),
                                "p99_us": round(int(words[4]) / 1e3, 1)})
    if not cases:
        sys.exit(f"bench-report: no results in {path}: see the job's output there")
    return kernel, cases, per_poll, latency


def is_stream(name):
    """A TCP case: its runs are in bit/s."""
    return name.endswith("-tcp")


def summary(name, runs, per_poll):
    """One case of results.json."""
    case = {"name": name, "unit": "bit/s" if is_stream(name) else "pps",
            "runs": runs, "min": min(runs),
            "median": statistics.median(runs), "max": max(runs)}
    if per_poll:
        case["frames_per_poll"] = round(statistics.median(per_poll), 1)
    return case


def ratios(runs):
    """For each pair measured in this boot, the median over the rounds of
    the ratio within a round: the cases of a round ran back to back, so
    the host's drift between rounds (the rates of one case vary by a
    third across a boot) cancels out."""
    return {f"{a}/{b}": round(statistics.median(
        x / y for x, y in zip(runs[a], runs[b])), 3)
            for a, b in RATIOS if a in runs and b in runs}


def config_sha(path):
    """The performance kernel's .config, hashed: which kernel this was."""
    with open(path, "rb") as config:
        return hashlib.sha256(config.read()).hexdigest()


def table(result):
    """The report as text."""
    lines = [f"{'case':<20} {'min':>8} {'median':>8} {'max':>8}  (Mpps)"
             "  frames/poll"]
    streams = [c for c in result["cases"] if is_stream(c["name"])]
    for case in result["cases"]:
        if case in streams:
            continue
        per_poll = case.get("frames_per_poll")
        lines.append(f"{case['name']:<20} {case['min'] / 1e6:>8.3f} "
                     f"{case['median'] / 1e6:>8.3f} "
                     f"{case['max'] / 1e6:>8.3f}"
                     + (f"  {per_poll:>11.1f}" if per_poll else ""))
    if streams:
        lines.append(f"{'':<20} {'':>8} {'':>8} {'':>8}  (Gbit/s)")
    for case in streams:
        lines.append(f"{case['name']:<20} {case['min'] / 1e9:>8.3f} "
                     f"{case['median'] / 1e9:>8.3f} "
                     f"{case['max'] / 1e9:>8.3f}")
    for name, value in result["ratios"].items():
        lines.append(f"{name:<30} {value:.3f}")
    for lat in result["latency"]:
        lines.append(f"latency {lat['name']:<8} {lat['gap_us']:>5} us apart: "
                     f"median {lat['median_us']:.1f} us, "
                     f"p99 {lat['p99_us']:.1f} us")
    return "\n".join(lines)


def through_userspace(name):
    """A backend case: frames per second through one file."""
    return "backend" in name or name.startswith("tun")


def bars(axes, cases, scale, unit):
    """One panel: medians, whiskers from min to max."""
    names = [c["name"] for c in cases]
    med = [c["median"] / scale for c in cases]
    low = [m - c["min"] / scale for m, c in zip(med, cases)]
    high = [c["max"] / scale - m for m, c in zip(med, cases)]
    axes.bar(names, med, yerr=[low, high], capsize=4, color="#4c72b0")
    axes.set_ylabel(f"{unit} (median, min-max)")
    axes.tick_params(axis="x", labelrotation=30, labelsize=8)


def chart_panes(cases):
    """The chart's panels: (cases, scale, unit, title, width) each."""
    stack = [c for c in cases
             if not through_userspace(c["name"]) and not is_stream(c["name"])]
    files = [c for c in cases if through_userspace(c["name"])]
    streams = [c for c in cases if is_stream(c["name"])]
    panes = [(stack, 1e6, "Mpps", "pktgen into the device", 4)]
    if files:
        panes.append((files, 1e3, "k frames/s",
                      "through one file (read, write)", 2))
    if streams:
        panes.append((streams, 1e9, "Gbit/s", "one TCP stream", 1))
    return panes


def chart(result, path, title):
    """The stack's cases in Mpps beside the backends' in k frames/s and
    the TCP streams in Gbit/s."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
    except ImportError:
        print("bench-report: no matplotlib (Debian: python3-matplotlib): "
              "no chart", file=sys.stderr)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    panes = chart_panes(result["cases"])
    fig, panels = plt.subplots(1, len(panes), figsize=(12, 4),
                               width_ratios=[p[4] for p in panes],
                               squeeze=False)
    for axes, (cases, scale, unit, what, _) in zip(panels[0], panes):
        bars(axes, cases, scale, unit)
        axes.set_title(what, fontsize=9)
    fig.suptitle(f"60-byte frames, {result['frames_per_run']} per pktgen "
                 f"run, {len(result['cases'][0]['runs'])} runs interleaved, "
                 f"one boot of {result['kernel']} (UML, UP{title})",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    """Write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job_out")
    parser.add_argument("--config", required=True)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--name", default="results",
                        help="NAME.json and NAME.png in --out")
    parser.add_argument("--title", default="",
                        help="which kernel, for the chart")
    args = parser.parse_args()
    kernel, runs, per_poll, latency = parse(args.job_out)
    cases = [summary(name, r, per_poll.get(name)) for name, r in runs.items()]
    result = {"kernel": kernel, "config_sha": config_sha(args.config),
              "frames_per_run": args.frames, "cases": cases,
              "ratios": ratios(runs), "latency": latency}
    with open(f"{args.out}/{args.name}.json", "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1)
        out.write("\n")
    chart(result, f"{args.out}/{args.name}.png", args.title)
    print(table(result))


if __name__ == "__main__":
    main()
