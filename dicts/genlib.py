"""Helpers shared by the dicts/gen_*.py generators (stdlib only).

Not a generator itself: regen.sh runs only gen_*.py. Everything here is
deterministic: no timestamps, no dependence on dict or set ordering, no
locale. Versions come from dpkg, so a table names the exact Debian package
it was built from.
"""

import gzip
import math
import os
import re
import subprocess
import sys

# The Han characters, for every table here: code points with the
# Unified_Ideograph property, plus the CJK compatibility ideographs (which
# Unihan gives readings too, and which turn up in text that went through
# Big5 or KS X 1001 round trips).
PROPLIST = "/usr/share/unicode/PropList.txt"
UNICODEDATA = "/usr/share/unicode/UnicodeData.txt"


def out_dir():
    """The single command-line argument: the root to write outputs under."""
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.stderr.write("usage: %s OUTDIR\n" % sys.argv[0])
        sys.exit(2)
    return sys.argv[1]


def output_path(root, rel):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def pkg_of(path):
    """Debian package that owns path (dpkg-query -S)."""
    res = subprocess.run(["dpkg-query", "-S", path], check=True,
                         capture_output=True, text=True)
    line = res.stdout.splitlines()[0]
    return line.split(":", 1)[0].strip()


def pkg_version(pkg):
    res = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                         check=True, capture_output=True, text=True)
    ver = res.stdout.strip()
    if not ver:
        raise SystemExit("package %s is not installed" % pkg)
    return ver


def source(name, path):
    """'NAME (PKG VERSION)' for a source file, from the owning package.

    This exact text goes on a '# Source: ' header line; dicts/version.py
    collects those lines into zh_data_version()."""
    pkg = pkg_of(path)
    return "%s (%s %s)" % (name, pkg, pkg_version(pkg))


def documentation_lines(paths):
    """The lines of gzip'd plain-text documentation (gen_charmodel.py's
    PROSE), trailing blanks dropped, as the counts of marks and edges
    read them."""
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            text = f.read()
        for line in text.split("\n"):
            yield line.rstrip(" \t\r")


def documentation_sources(paths):
    """Header lines naming the Unicode data and the documentation files a
    table counted characters in, with their licenses."""
    lines = ["Source: " + source("Unicode %s PropList, UnicodeData"
                                 % unicode_version(), PROPLIST)]
    for path in paths:
        lines += ["Source: " + source(os.path.basename(path), path),
                  "Source-file: " + path]
    return lines + [
        "License: Unicode data: Unicode License Agreement; Debian Reference,",
        "New Maintainers' Guide: GPL-2+; Debian FAQ: verbatim copying",
        "permitted (counts of characters only are taken from the",
        "documentation; see /usr/share/doc/*/copyright).",
    ]


def write_tsv(path, header, columns, rows):
    """Write a TSV: '# ' header lines, a '# Columns:' line, then rows.

    rows are sequences of str; nothing in a field may be a tab or newline."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in header:
            f.write(("# " + line).rstrip() + "\n")
        f.write("# Columns: " + "\t".join(columns) + "\n")
        for row in rows:
            for field in row:
                if "\t" in field or "\n" in field:
                    raise ValueError("bad field %r" % field)
            f.write("\t".join(row) + "\n")


def han_ranges():
    """Sorted, merged (first, last) ranges of the Han characters: the
    Unified_Ideograph ranges of PropList.txt and the code points that
    UnicodeData.txt names "CJK COMPATIBILITY IDEOGRAPH-"."""
    pat = re.compile(r"^([0-9A-F]+)(?:\.\.([0-9A-F]+))?\s*;\s*"
                     r"Unified_Ideograph\s*#")
    ranges = []
    with open(PROPLIST, encoding="utf-8") as f:
        for line in f:
            m = pat.match(line)
            if m:
                ranges.append((int(m.group(1), 16),
                               int(m.group(2) or m.group(1), 16)))
    if not ranges:
        raise SystemExit("no Unified_Ideograph in " + PROPLIST)
    with open(UNICODEDATA, encoding="utf-8") as f:
        for line in f:
            fields = line.split(";")
            if fields[1].startswith("CJK COMPATIBILITY IDEOGRAPH-"):
                cp = int(fields[0], 16)
                ranges.append((cp, cp))
    ranges.sort()
    merged = []
    for a, b in ranges:
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


class HanSet:
    """Membership test over han_ranges()."""

    def __init__(self, ranges):
        self.ranges = ranges
        self.count = sum(b - a + 1 for a, b in ranges)
        self.cache = {}

    def __contains__(self, cp):
        hit = self.cache.get(cp)
        if hit is None:
            hit = any(a <= cp <= b for a, b in self.ranges)
            self.cache[cp] = hit
        return hit


def unicode_version():
    """Unicode version named in the unicode-data package's ReadMe.txt."""
    with open("/usr/share/unicode/ReadMe.txt", encoding="utf-8") as f:
        for line in f:
            m = re.search(r"Version (\d+\.\d+\.\d+) of the Unicode", line)
            if m:
                return m.group(1)
    raise SystemExit("cannot find the Unicode version")


def decompositions():
    """Full canonical decompositions from UnicodeData.txt: cp -> tuple."""
    raw = {}
    with open(UNICODEDATA, encoding="utf-8") as f:
        for line in f:
            fields = line.split(";")
            dec = fields[5]
            if dec and not dec.startswith("<"):
                raw[int(fields[0], 16)] = [int(x, 16) for x in dec.split()]

    def full(cp):
        if cp not in raw:
            return (cp,)
        out = ()
        for c in raw[cp]:
            out += full(c)
        return out

    return {cp: full(cp) for cp in raw}


# ---- C emission ----------------------------------------------------------

# Costs and log-probabilities are stored as int16 in 1/LOGP_SCALE nats
# (ZH_LOGP_SCALE in src/data.h, which data.c divides them by).
LOGP_SCALE = 100


def quantize(x):
    """x nats as the int16 the tables store, rounded half up."""
    v = int(math.floor(x * LOGP_SCALE + 0.5))
    if not -32768 <= v <= 32767:
        raise SystemExit("log-probability %f out of int16 range" % x)
    return v


C_HEADER = """/* Generated by dicts/{gen}; do not edit.
 * Data: {tsv}.
 * Regenerate with dicts/regen.sh; dicts/README.md describes the tables. */
"""


def c_ident_type(values):
    """Smallest standard unsigned/signed type that holds all values."""
    lo = min(values) if values else 0
    hi = max(values) if values else 0
    if lo >= 0:
        for bits in (8, 16, 32):
            if hi < (1 << bits):
                return "uint%d_t" % bits
        return "uint64_t"
    for bits in (8, 16, 32):
        if -(1 << (bits - 1)) <= lo and hi < (1 << (bits - 1)):
            return "int%d_t" % bits
    return "int64_t"


def c_array(ctype, name, values, width=12, fmt="%d"):
    """A const array definition with width values per line."""
    lines = ["const %s %s[%d] = {" % (ctype, name, len(values))]
    for i in range(0, len(values), width):
        chunk = values[i:i + width]
        lines.append("    " + ", ".join(fmt % v for v in chunk) + ",")
    lines.append("};")
    return "\n".join(lines) + "\n"


def c_string(s):
    """A C string literal for s, non-ASCII bytes as octal escapes (an octal
    escape stops after three digits, unlike a hex one)."""
    out = []
    for b in s.encode("utf-8"):
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def two_level(values, default, shift):
    """Split a code point -> small int map into a two-level table.

    Returns (stage1, blocks): stage1[cp >> shift] is a block number, and
    blocks[n][cp & mask] the value. Identical blocks are shared, so the
    table costs little for sparse or uniform ranges."""
    size = 1 << shift
    nstage1 = 0x110000 >> shift
    index = {}
    blocks = []
    stage1 = []
    for hi in range(nstage1):
        base = hi << shift
        block = tuple(values.get(base + lo, default) for lo in range(size))
        if block not in index:
            index[block] = len(blocks)
            blocks.append(block)
        stage1.append(index[block])
    return stage1, blocks


def write_c(path, text):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
