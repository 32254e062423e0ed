"""Generate dicts/marks.tsv and src/data_marks.c: how often Chinese text
uses each punctuation mark, and how often a line ends right after it.

usage: python3 dicts/gen_marks.py OUTDIR

A byte lost from a punctuation mark leaves the characters of its block to
choose from: EF BC [xx] is any fullwidth form, ，：；？！ among them, and
E2 80 [xx] any of “”‘’…—. The plausibility model prices the marks by
hand, most of them alike, so the choice fell to the order of the bytes.
Two counts from real text tell them apart:

  unigram  how often each mark is used, among the marks (general
           category P or S in UnicodeData.txt) of the three blocks of
           punctuation Chinese text draws on (General Punctuation
           U+2000-U+206F, CJK Symbols and Punctuation U+3000-U+303F,
           Halfwidth and Fullwidth Forms U+FF00-U+FFEF):
           cost(c) = -log((count(c) + A) / (N + A * B)), N their total,
           B their number; the letters, digits and spaces of the blocks
           have none;
  line end how often a line ends right after it: at the end of a line
           nothing follows to choose by, but lines end after a colon (a
           list follows), a question mark or a full stop far more often
           than after a comma.

Both are counted where the character model's prose comes from
(gen_charmodel.py's PROSE: Debian's documentation in both scripts,
plain-text editions wrapped at about 72 columns), so line ends mix
paragraph ends with the ends of wrapped lines, as text read line by line
does; trailing blanks are not counted as the end. Line-end rates are kept
for each character of the blocks, smoothed toward the rate of 'other'
below with K pseudo-counts, and for classes: Han characters, ASCII
letters and digits, the rest of ASCII, and everything else (other):

  P(end | c) = (ends(c) + K * P(end | other)) / (count(c) + K)
  end(c)     = log(max P(end | .) / P(end | c))   (nats, >= 0)

so what ends lines most often costs nothing at a line's end and the rest
what they lose against it.

src/data_marks.c, in hundredths of a nat: zh_mk_unigram[] and
zh_mk_end[] by code point within the blocks (zh_mk_nblocks of them:
zh_mk_first[] and zh_mk_size[] give each one's range, zh_mk_base[] its
first index), then
the classes' end costs zh_mk_end_han, zh_mk_end_alnum, zh_mk_end_ascii
and zh_mk_end_other.
"""

import gzip
import math
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in dicts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genlib  # noqa: E402
from gen_charmodel import PROSE  # noqa: E402

BLOCKS = ((0x2000, 0x2070), (0x3000, 0x3040), (0xFF00, 0xFFF0))
CLASSES = ("han", "alnum", "ascii", "other")
A = 0.5
K = 20.0
BETA = 20.0
SCALE = 100


def categories():
    cat = {}
    with open(genlib.UNICODEDATA, encoding="utf-8") as f:
        for line in f:
            fields = line.split(";")
            cat[int(fields[0], 16)] = fields[2]
    return cat


def in_blocks(cp):
    return any(lo <= cp < hi for lo, hi in BLOCKS)


def class_of(cp, han):
    if cp in han:
        return "han"
    if cp < 0x80:
        return "alnum" if chr(cp).isalnum() else "ascii"
    return "other"


def count(han):
    seen = {}
    ends = {}
    pairs = {}
    for path in PROSE:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            text = f.read()
        for line in text.split("\n"):
            line = line.rstrip(" \t\r")
            for ch in line:
                seen[ord(ch)] = seen.get(ord(ch), 0) + 1
            for a, b in zip(line, line[1:]):
                if ord(a) in han and in_blocks(ord(b)):
                    key = (ord(a), ord(b))
                    pairs[key] = pairs.get(key, 0) + 1
            if line:
                ends[ord(line[-1])] = ends.get(ord(line[-1]), 0) + 1
    return seen, ends, pairs


def hundredths(x):
    return int(math.floor(x * SCALE + 0.5))


def main():
    root = genlib.out_dir()
    han = genlib.HanSet(genlib.han_ranges())
    seen, ends, counted = count(han)
    cls_seen = dict.fromkeys(CLASSES, 0)
    cls_ends = dict.fromkeys(CLASSES, 0)
    for cp, n in seen.items():
        if not in_blocks(cp):
            cls_seen[class_of(cp, han)] += n
            cls_ends[class_of(cp, han)] += ends.get(cp, 0)
    cls_rate = {c: cls_ends[c] / cls_seen[c] for c in CLASSES}
    cps = [cp for lo, hi in BLOCKS for cp in range(lo, hi)]
    cat = categories()
    marks = [cp for cp in cps if cat.get(cp, "Cn")[0] in "PS"]
    total = sum(seen.get(cp, 0) for cp in marks)
    uni = {cp: -math.log((seen.get(cp, 0) + A) / (total + A * len(marks)))
           for cp in marks}
    pairs = {k: v for k, v in counted.items() if k[1] in uni}
    ctx = {}
    for (h, _), v in pairs.items():
        ctx[h] = ctx.get(h, 0) + v
    rate = {cp: (ends.get(cp, 0) + K * cls_rate["other"]) /
            (seen.get(cp, 0) + K) for cp in cps}
    top = max(list(rate.values()) + list(cls_rate.values()))
    end = {cp: math.log(top / rate[cp]) for cp in cps}
    cls_end = {c: math.log(top / cls_rate[c]) for c in CLASSES}

    src_ucd = genlib.source("Unicode %s PropList, UnicodeData"
                            % genlib.unicode_version(), genlib.PROPLIST)
    sources = ["Generated by dicts/gen_marks.py; do not edit.",
               "Source: " + src_ucd]
    for path in PROSE:
        sources += ["Source: " + genlib.source(os.path.basename(path), path),
                    "Source-file: " + path]
    sources += [
        "License: Unicode data: Unicode License Agreement; Debian Reference,",
        "New Maintainers' Guide: GPL-2+; Debian FAQ: verbatim copying",
        "permitted (counts of characters only are taken from the",
        "documentation; see /usr/share/doc/*/copyright).",
        "",
    ]
    header = [
        "marks.tsv: how often Chinese text uses each punctuation mark, and",
        "how often a line ends after it.",
    ] + sources + [
        "count: occurrences in the documentation's lines; ends: lines that",
        "end with it (trailing blanks dropped); unigram: -log P(c) among the",
        "%d marks of the blocks (%d seen in all, add-%g smoothing; '-' for"
        % (len(marks), total, A),
        "the letters, digits, spaces and controls there); end:",
        "log(max rate / P(end | c)), P(end | c) smoothed toward the rate of",
        "'other' with %g pseudo-counts; both in hundredths of a nat. Marks"
        % K,
        "seen at least once are listed. Outside the blocks, a line's end",
        "costs by class: han, alnum (ASCII letters and digits), ascii (the",
        "rest of ASCII), other (everything else):",
    ] + ["class: %s\tcount %d\tends %d\tend %d"
         % (c, cls_seen[c], cls_ends[c], hundredths(cls_end[c]))
         for c in CLASSES]
    rows = [(chr(cp), "U+%04X" % cp, str(seen[cp]), str(ends.get(cp, 0)),
             str(hundredths(uni[cp])) if cp in uni else "-",
             str(hundredths(end[cp])))
            for cp in cps if seen.get(cp)]
    genlib.write_tsv(
        genlib.output_path(root, "dicts/marks.tsv"), header,
        ["char", "codepoint", "count", "ends", "unigram", "end"], rows)

    def after(h, m):
        """-log P(m | h): the pair's count smoothed toward the unigram."""
        p = (pairs.get((h, m), 0) + BETA * math.exp(-uni[m])) / (ctx[h] + BETA)
        return -math.log(p)

    keys = sorted(pairs)
    genlib.write_tsv(
        genlib.output_path(root, "dicts/markpairs.tsv"),
        ["markpairs.tsv: how often each mark follows each Han character."]
        + sources + [
            "count: times mark follows han in a line of the documentation",
            "(%d pairs, %d Han characters followed by a mark); cost:"
            % (len(keys), len(ctx)),
            "-log P(mark | han) = -log((count + %g * P(mark)) / (c(han) + %g))"
            % (BETA, BETA),
            "in hundredths of a nat, c(han) the times han is followed by any",
            "mark, P(mark) the unigram of marks.tsv. Sorted by han, then mark.",
        ],
        ["han", "mark", "count", "cost"],
        [(chr(h), chr(m), str(pairs[(h, m)]), str(hundredths(after(h, m))))
         for h, m in keys])

    base = []
    at = 0
    for lo, hi in BLOCKS:
        base.append(at)
        at += hi - lo
    parts = [genlib.C_HEADER.format(gen="gen_marks.py",
                                    tsv="dicts/marks.tsv"),
             '#define ZH_DATA_TABLES\n#include "data.h"\n\n',
             "/* The blocks of punctuation: first code point, size, first "
             "index. */\n",
             "const size_t zh_mk_nblocks = %d;\n" % len(BLOCKS),
             genlib.c_array("uint32_t", "zh_mk_first",
                            [lo for lo, _ in BLOCKS], 8, "0x%04X"),
             genlib.c_array("uint16_t", "zh_mk_size",
                            [hi - lo for lo, hi in BLOCKS], 8),
             genlib.c_array("uint16_t", "zh_mk_base", base, 8),
             "\n/* -log P(c) among the marks, in 1/%d nats; -1 for no mark."
             " */\n" % SCALE,
             genlib.c_array("int16_t", "zh_mk_unigram",
                            [hundredths(uni[cp]) if cp in uni else -1
                             for cp in cps], 12),
             "\n/* Cost of a line's end after c, in 1/%d nats. */\n" % SCALE,
             genlib.c_array("int16_t", "zh_mk_end",
                            [hundredths(end[cp]) for cp in cps], 12),
             "\n/* The classes' costs of a line's end. */\n"]
    for c in CLASSES:
        parts.append("const int16_t zh_mk_end_%s = %d;\n"
                     % (c, hundredths(cls_end[c])))
    hs = sorted(ctx)
    row = [0]
    for h in hs:
        row.append(row[-1] + sum(1 for k in keys if k[0] == h))
    parts += [
        "\n/* The marks after a Han character: zh_mk_ctx_cp[] (increasing),"
        "\n * log(%g / (c(han) + %g)) in zh_mk_ctx_bow[] (an unseen pair's"
        " weight\n * on the unigram), its pairs zh_mk_pair_mark[zh_mk_ctx_row[i]"
        " ..\n * zh_mk_ctx_row[i + 1]] (increasing) and their -log P(mark |"
        " han)\n * in zh_mk_pair_cost[], in 1/%d nats. */\n"
        % (BETA, BETA, SCALE),
        "const size_t zh_mk_nctx = %d;\n" % len(hs),
        genlib.c_array("uint32_t", "zh_mk_ctx_cp", hs, 8, "0x%04X"),
        genlib.c_array("int16_t", "zh_mk_ctx_bow",
                       [hundredths(math.log(BETA / (ctx[h] + BETA)))
                        for h in hs], 12),
        genlib.c_array("uint16_t", "zh_mk_ctx_row", row, 12),
        genlib.c_array("uint32_t", "zh_mk_pair_mark", [m for _, m in keys],
                       8, "0x%04X"),
        genlib.c_array("int16_t", "zh_mk_pair_cost",
                       [hundredths(after(h, m)) for h, m in keys], 12),
    ]
    genlib.write_c(genlib.output_path(root, "src/data_marks.c"),
                   "".join(parts))


if __name__ == "__main__":
    main()
