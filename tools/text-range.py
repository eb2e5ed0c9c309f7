#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print "START END", the addresses of some code's .text in a linked,
non-relocatable kernel: what the fault-injection stack-trace filters
need.  The code is one object, or each object of a built-in.a (KUnit
objects left out), placed by the functions whose names are unique in
the kernel; the objects must lie back to back, with only alignment
between them.  --leave-out names an object of the archive to leave out
too; the others must still lie back to back (it is first or last)."""

import argparse
import subprocess
import sys
from pathlib import Path

GAP = 64  # the most alignment padding between two objects' .text
TEXT = (".text", ".ltext")


def run(*cmd):
    """A tool's output, or the reason it failed."""
    try:
        return subprocess.run(cmd, check=True, capture_output=True,
                              text=True).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        sys.exit(f"text-range: {' '.join(cmd)}: {err}")


def kernel_functions(linux):
    """Address of each text symbol whose name occurs once in LINUX."""
    seen, addr = {}, {}
    for line in run("nm", linux).splitlines():
        words = line.split()
        if len(words) == 3 and words[1] in "tT":
            seen[words[2]] = seen.get(words[2], 0) + 1
            addr[words[2]] = int(words[0], 16)
    return {name: a for name, a in addr.items() if seen[name] == 1}


def placed(obj, functions):
    """(start, end) of OBJ's .text in the kernel, None if it has none.
    clang's UML objects hold their code in .ltext instead."""
    sizes, bases = {}, set()
    for line in run("objdump", "-h", "-t", obj).splitlines():
        words = line.split()
        if len(words) >= 3 and words[1] in TEXT and words[0].isdigit():
            if int(words[2], 16):
                sizes[words[1]] = int(words[2], 16)
        elif len(words) == 6 and words[2] == "F" and words[3] in TEXT:
            if words[5] in functions:
                bases.add(functions[words[5]] - int(words[0], 16))
    if not sizes:
        return None
    if len(sizes) != 1:
        sys.exit(f"text-range: {obj} has code in {' and '.join(sizes)}")
    size = sizes.popitem()[1]
    if len(bases) != 1:
        sys.exit(f"text-range: cannot place {obj} in the kernel "
                 f"(bases {sorted(hex(b) for b in bases)})")
    base = bases.pop()
    return base, base + size


def main():
    """Print the range."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("linux")
    parser.add_argument("code", help="an object, or a built-in.a")
    parser.add_argument("--leave-out", action="append", default=[],
                        metavar="OBJ", help="an object of the built-in.a")
    args = parser.parse_args()
    functions = kernel_functions(args.linux)
    folder = Path(args.code).parent
    objs = [args.code]
    if args.code.endswith(".a"):
        members = [Path(m).name for m in run("ar", "t", args.code).split()]
        for name in args.leave_out:
            if name not in members:
                sys.exit(f"text-range: {args.code} has no {name} to leave out")
        objs = [m for m in run("ar", "t", args.code).split()
                if not m.endswith("_test.o")
                and Path(m).name not in ["test_util.o", *args.leave_out]]
    spans = sorted(filter(None, (placed(str(folder / Path(m).name), functions)
                                 for m in objs)))
    for (_, end), (start, _) in zip(spans, spans[1:]):
        if not end <= start < end + GAP:
            sys.exit(f"text-range: the driver's objects are not back to "
                     f"back: {end:#x} then {start:#x}")
    print(f"{spans[0][0]:#x} {spans[-1][1]:#x}")


if __name__ == "__main__":
    main()
