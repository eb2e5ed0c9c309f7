#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the fuzzer's tables of vnetmq's uapi, read from the uapi itself.

The ioctls come from include/uapi/linux/vnetmq.h: every VNETMQ_ macro
defined with _IO/_IOR/_IOW/_IOWR is a queue-file ioctl, every one defined
from SIOCDEVPRIVATE a device ioctl.  The tables name the macros, so the
compiler takes the numbers and argument sizes from the header.  The
generic netlink family comes from its YNL spec: each operation with the
attribute set and the attributes its requests take, and whether it has
do and dump; each attribute with its type, max-len and the range its
min/max checks or its enum allow.  The names follow YNL's C naming
(VNETMQ_CMD_<OP>, VNETMQ_A_<SET>_<ATTR>), so a spec the generated uapi
header does not match fails to compile here.  A new ioctl, operation or
attribute is fuzzed without an edit to the fuzzer.

usage: uapi-gen.py UAPI_HEADER NETLINK_SPEC OUTPUT
"""

import re
import sys

import yaml

TYPES = {
    "flag": "FZ_FLAG", "u8": "FZ_U8", "u16": "FZ_U16", "u32": "FZ_U32",
    "u64": "FZ_U64", "s8": "FZ_U8", "s16": "FZ_U16", "s32": "FZ_U32",
    "s64": "FZ_U64", "uint": "FZ_U64", "sint": "FZ_U64",
    "binary": "FZ_BINARY", "string": "FZ_STRING", "nest": "FZ_NEST",
}


def c_name(*parts):
    return "_".join(p.upper().replace("-", "_") for p in parts)


def ioctls(header):
    with open(header, encoding="utf-8") as f:
        text = f.read()
    qfile = re.findall(r"^#define\s+(VNETMQ_\w+)\s+_IO[RW]*\(", text, re.M)
    dev = re.findall(r"^#define\s+(VNETMQ_\w+)\s+\(SIOCDEVPRIVATE\b",
                     text, re.M)
    if not qfile or not dev:
        sys.exit(f"uapi-gen.py: no ioctls found in {header}: "
                 "expected VNETMQ_ macros built with _IO*() and SIOCDEVPRIVATE")
    return qfile, dev


def const_value(spec, value):
    """A check's value: a number, or the name of a spec constant."""
    if isinstance(value, int):
        return value
    for d in spec.get("definitions", []):
        if d.get("name") == value and d.get("type") == "const":
            return d["value"]
    sys.exit(f"uapi-gen.py: check value {value!r} is no constant of the spec")


def enum_entries(spec, name):
    """How many entries the spec's enum NAME has."""
    for d in spec.get("definitions", []):
        if d.get("name") == name and d.get("type") in ("enum", "flags"):
            return len(d["entries"])
    sys.exit(f"uapi-gen.py: enum {name!r} is not defined in the spec")


def attr_row(spec, aset, a):
    """An attribute's row: name, id, type, max-len and the value range
    its checks or enum allow (min > max: none)."""
    if a["type"] not in TYPES:
        sys.exit(f"uapi-gen.py: attribute {aset['name']}.{a['name']}: "
                 f"type {a['type']} unknown; add it to TYPES")
    checks = a.get("checks", {})
    max_len = const_value(spec, checks.get("max-len", 0))
    lo, hi = 1, 0
    if "enum" in a:
        lo, hi = 0, enum_entries(spec, a["enum"]) - 1
    if "min" in checks or "max" in checks:
        lo = const_value(spec, checks.get("min", 0))
        hi = const_value(spec, checks.get("max", 0xffffffff))
    return (f'\t{{ "{a["name"]}", '
            f'{c_name(spec["name"], "a", aset["name"], a["name"])}, '
            f'{TYPES[a["type"]]}, {max_len}, {lo}, {hi}LL }},')


def request_attrs(op):
    """The attributes an operation's do and dump requests take."""
    names = []
    for kind in ("do", "dump"):
        for n in op.get(kind, {}).get("request", {}).get("attributes", []):
            if n not in names:
                names.append(n)
    return names


def netlink(spec):
    """Per attribute set, all its attributes; per operation, those its
    requests take (empty: a message with none), then the operations."""
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    out = []
    for name, aset in sets.items():
        out.append(f"static const struct fz_attr fz_attrs_{c_name(name).lower()}[] = {{")
        out += [attr_row(spec, aset, a) for a in aset["attributes"]]
        out.append("};")
    for op in spec["operations"]["list"]:
        aset = sets[op["attribute-set"]]
        by_name = {a["name"]: a for a in aset["attributes"]}
        out.append(f"static const struct fz_attr fz_req_{c_name(op['name']).lower()}[] = {{")
        out += [attr_row(spec, aset, by_name[n]) for n in request_attrs(op)]
        out.append("\t{ NULL }")
        out.append("};")
    out.append("static const struct fz_op fz_ops[] = {")
    for op in spec["operations"]["list"]:
        aset = c_name(op["attribute-set"]).lower()
        req = c_name(op["name"]).lower()
        out.append(f'\t{{ "{op["name"]}", '
                   f'{c_name(spec["name"], "cmd", op["name"])}, '
                   f'{int("do" in op)}, {int("dump" in op)}, '
                   f'fz_attrs_{aset}, ARRAY_SIZE(fz_attrs_{aset}), '
                   f'fz_req_{req}, ARRAY_SIZE(fz_req_{req}) - 1 }},')
    out.append("};")
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: uapi-gen.py UAPI_HEADER NETLINK_SPEC OUTPUT")
    header, spec_path, output = sys.argv[1:]
    qfile, dev = ioctls(header)
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    lines = [
        "/* SPDX-License-Identifier: GPL-2.0 */",
        f"/* Generated by tools/fuzz/uapi-gen.py from {header.split('/')[-1]}"
        f" and {spec_path.split('/')[-1]}: do not edit. */",
        f'#define FZ_FAMILY\t"{spec["name"]}"',
        "static const struct fz_ioctl fz_qfile_ioctls[] = {",
    ]
    lines += [f'\t{{ "{n}", {n} }},' for n in qfile]
    lines += ["};", "static const struct fz_ioctl fz_dev_ioctls[] = {"]
    lines += [f'\t{{ "{n}", {n} }},' for n in dev]
    lines += ["};"]
    lines += netlink(spec)
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
