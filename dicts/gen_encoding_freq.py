#!/usr/bin/python3
"""Generate src/encoding_freq.inc: the tables zhfix's encoding detector uses.

Usage: dicts/gen_encoding_freq.py > src/encoding_freq.inc
       dicts/gen_encoding_freq.py --check src/encoding_freq.inc

Sources (all from Debian packages, named with their versions in the output):
  * python3-jieba's dict.txt: word frequencies of a large Simplified Chinese
    corpus.  A character's frequency is the sum over the words containing it.
  * The opencc CLI with s2tw.json converts every jieba word to Traditional
    (Taiwan variants), which gives the Traditional character frequencies.
  * glibc's charmaps (package locales) for GBK, GB18030, BIG5 and BIG5-HKSCS:
    they give the byte codes of the frequent characters and which two-byte
    codes each charset defines.  They are the same tables glibc's iconv
    implements, so the detector's notion of "valid" matches the codec's; a
    unit test checks that against the iconv of the test machine.

The output is deterministic for given inputs; never edit it by hand.
"""

import gzip
import math
import re
import subprocess
import sys

JIEBA = "/usr/lib/python3/dist-packages/jieba/dict.txt"
CHARMAPS = "/usr/share/i18n/charmaps/"
TOP_N = 4000  # characters per script; covers ~99.4% of jieba's Han mass

# Share of Han characters among the non-ASCII characters of Chinese text.
# Measured: 0.94 in zh_TW man pages, 0.60 in fortunes-zh (which is full of
# box drawing); 0.85 sits between typical prose and technical text.
HAN_SHARE = 0.85

# Common punctuation and its share among non-ASCII characters, rounded from
# counts over manpages-zh and fortunes-zh.  Without these, text full of
# ，and 。would look like rare symbols.
PUNCT = {
    0xFF0C: 0.035,  # ，
    0x3002: 0.028,  # 。
    0x3001: 0.006,  # 、
    0x201C: 0.004,  # “
    0x201D: 0.004,  # ”
    0x300A: 0.004,  # 《
    0x300B: 0.004,  # 》
    0x300C: 0.004,  # 「
    0x300D: 0.004,  # 」
    0xFF1A: 0.003,  # ：
    0xFF08: 0.002,  # （
    0xFF09: 0.002,  # ）
    0xFF1F: 0.002,  # ？
    0xFF01: 0.0012,  # ！
    0xFF1B: 0.0012,  # ；
    0x300E: 0.001,  # 『
    0x300F: 0.001,  # 』
    0x2026: 0.001,  # …
    0x2014: 0.001,  # —
    0x00B7: 0.001,  # ·
    0x2027: 0.001,  # ‧
    0x2018: 0.0008,  # ‘
    0x2019: 0.0008,  # ’
    0x3008: 0.0005,  # 〈
    0x3009: 0.0005,  # 〉
    0x3010: 0.0005,  # 【
    0x3011: 0.0005,  # 】
    0xFF5E: 0.0005,  # ～
    0x2500: 0.002,  # ─ (tables drawn in text: 0.22 of fortunes-zh!)
}


def pkg_version(pkg):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


# BIG5-HKSCS's charmap lists its four composed sequences (/x88/x62 = U+00CA
# U+0304 and the like) only as comments, "%<U00CA><U0304> /x88/x62", yet
# glibc's converter decodes them; so a comment of that exact shape counts.
LINE = re.compile(r"^(?:%IRREVERSIBLE%|%(?=<U[0-9A-Fa-f]+><U))?"
                  r"((?:<U[0-9A-Fa-f]+>)+)\s+((?:/x[0-9a-fA-F]{2})+)")


def read_charmap(name):
    """Map of byte string -> tuple of code points, from a glibc charmap."""
    table = {}
    with gzip.open(CHARMAPS + name + ".gz", "rt", encoding="ascii",
                   errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            cps = tuple(int(x, 16) for x in re.findall(r"<U([0-9A-Fa-f]+)>",
                                                       m.group(1)))
            raw = bytes(int(x, 16) for x in re.findall(r"/x([0-9a-fA-F]{2})",
                                                       m.group(2)))
            table[raw] = cps
    return table


RANGE = re.compile(r"^<U([0-9A-Fa-f]+)>\.\.<U([0-9A-Fa-f]+)>\s+"
                   r"/x([0-9a-fA-F]{2})/x([0-9a-fA-F]{2})/x([0-9a-fA-F]{2})"
                   r"/x([0-9a-fA-F]{2})")


def four_byte_linear(b):
    return (((b[0] - 0x81) * 10 + (b[1] - 0x30)) * 126 + (b[2] - 0x81)) * 10 \
        + (b[3] - 0x30)


def gb18030_four_byte_runs(table):
    """Runs [lo, hi] of the linear index of defined four-byte sequences.
    Below U+10000 the charmap lists them, many as ranges "<Ua>..<Ub>
    /x../x../x../x.." whose byte sequences are consecutive from the one
    given.  U+10000..U+10FFFF map linearly onto 90308130.. (index 189000..),
    which glibc decodes whole although the charmap lists only assigned
    characters there."""
    supplementary = four_byte_linear([0x90, 0x30, 0x81, 0x30])
    linear = set(four_byte_linear(raw) for raw in table if len(raw) == 4)
    linear.update(range(supplementary, supplementary + 0x100000))
    with gzip.open(CHARMAPS + "GB18030.gz", "rt", encoding="ascii",
                   errors="replace") as f:
        for line in f:
            m = RANGE.match(line)
            if m:
                first = four_byte_linear([int(x, 16) for x in m.groups()[2:]])
                count = int(m.group(2), 16) - int(m.group(1), 16) + 1
                linear.update(range(first, first + count))
    return ranges(linear)


def two_byte_codes(table):
    return {(b[0] << 8) | b[1] for b in table if len(b) == 2}


def reverse(table):
    """Code point -> smallest two-byte code that decodes to it alone."""
    rev = {}
    for raw, cps in sorted(table.items()):
        if len(raw) == 2 and len(cps) == 1 and cps[0] not in rev:
            rev[cps[0]] = (raw[0] << 8) | raw[1]
    return rev


def is_han(ch):
    return 0x3400 <= ord(ch) <= 0x9FFF


def jieba_words():
    words = []
    with open(JIEBA, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                words.append((parts[0], int(parts[1])))
    return words


def looks_like_mojibake(ch, gbk_rev):
    """True for a character whose GBK code is what UTF-8 Chinese turns into
    when read as GBK: a UTF-8 lead byte E3-EF followed by a continuation byte
    80-BF, or a continuation byte followed by a lead byte; or a character
    outside GB2312 (A1A1-F7FE), which a Simplified dictionary should not list
    on its own."""
    code = gbk_rev.get(ord(ch))
    if code is None:
        return True
    b1, b2 = code >> 8, code & 0xFF
    if 0xE3 <= b1 <= 0xEF and 0x80 <= b2 <= 0xBF:
        return True
    if 0x80 <= b1 <= 0xBF and 0xE3 <= b2 <= 0xEF:
        return True
    return not (0xA1 <= b1 <= 0xF7 and b2 >= 0xA1)


def clean_words(words, gbk_rev):
    """jieba's dict.txt lists some mojibake as one-character words (鐨 for
    的, 銆 for 。, 涓 for 中...), with large frequencies.  Drop a one-character
    entry when its character looks like mojibake and the multi-character words
    give it less than a tenth of that frequency (real characters such as 便
    also occur inside many words; mojibake does not)."""
    inside = {}
    for w, n in words:
        if len(w) > 1:
            for ch in w:
                inside[ch] = inside.get(ch, 0) + n
    return [(w, n) for w, n in words
            if not (len(w) == 1 and inside.get(w, 0) * 10 < n
                    and looks_like_mojibake(w, gbk_rev))]


def char_freq(words):
    freq = {}
    for w, n in words:
        for ch in w:
            if is_han(ch):
                freq[ch] = freq.get(ch, 0) + n
    return freq


def to_traditional(words):
    text = "\n".join(w for w, _ in words) + "\n"
    out = subprocess.run(["opencc", "-c", "s2tw.json"], input=text,
                         capture_output=True, text=True, check=True).stdout
    conv = out.split("\n")
    if len(conv) < len(words):
        sys.exit("opencc returned fewer lines than it was given")
    return [(conv[i], words[i][1]) for i in range(len(words))]


def quarter_bits(p):
    """Cost of a character of probability p, in quarter bits, as a byte."""
    return min(255, max(1, round(-4 * math.log2(p))))


def cost_table(freq):
    """Code point -> cost for the TOP_N most frequent Han chars + PUNCT."""
    total = sum(freq.values())
    top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]
    costs = {ord(ch): quarter_bits(HAN_SHARE * n / total) for ch, n in top}
    for cp, p in PUNCT.items():
        costs[cp] = quarter_bits(p)
    return costs


def by_code(costs, rev):
    out = {}
    for cp, c in costs.items():
        code = rev.get(cp)
        if code is not None:
            out[code] = min(c, out.get(code, 255))
    return out


def ranges(codes):
    """Sorted list of [lo, hi] runs of consecutive integers."""
    out = []
    for c in sorted(codes):
        if out and out[-1][1] + 1 == c:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def emit_array(lines, ctype, name, values, per_line, fmt):
    lines.append("static const %s %s[%d] = {" % (ctype, name, len(values)))
    for i in range(0, len(values), per_line):
        chunk = values[i:i + per_line]
        lines.append("    " + " ".join(fmt % v + "," for v in chunk))
    lines.append("};")


def emit_cost_table(lines, prefix, table, index_bits):
    codes = sorted(table)
    emit_array(lines, "uint16_t", prefix + "_code", codes, 10, "0x%04X")
    emit_array(lines, "uint8_t", prefix + "_cost", [table[c] for c in codes],
               16, "%d")
    # start[i] = first entry whose code >> index_bits is >= i, so entries with
    # high part i are start[i] .. start[i + 1] - 1.
    start = []
    j = 0
    for hi in range(257):
        while j < len(codes) and (codes[j] >> index_bits) < hi:
            j += 1
        start.append(j)
    emit_array(lines, "uint16_t", prefix + "_start", start, 12, "%d")


def generate():
    versions = {
        "jieba": pkg_version("python3-jieba"),
        "opencc": pkg_version("opencc"),
        "locales": pkg_version("locales"),
    }
    gbk = read_charmap("GBK")
    words = clean_words(jieba_words(), reverse(gbk))
    simp = cost_table(char_freq(words))
    trad = cost_table(char_freq(to_traditional(words)))
    uni = dict(simp)
    for cp, c in trad.items():
        uni[cp] = min(c, uni.get(cp, 255))

    gb18030 = read_charmap("GB18030")
    big5 = read_charmap("BIG5")
    hkscs = read_charmap("BIG5-HKSCS")

    gbk_codes = two_byte_codes(gbk)
    gb18030_codes = two_byte_codes(gb18030)
    if not gbk_codes <= gb18030_codes:
        sys.exit("GBK is expected to be a subset of GB18030")
    b5 = two_byte_codes(big5)
    hk = two_byte_codes(hkscs)

    gbk_costs = by_code(simp, reverse(gbk))
    big5_costs = by_code(trad, reverse(big5))

    source = ("jieba dict.txt (python3-jieba %s); OpenCC s2tw (opencc %s); "
              "glibc charmaps GBK GB18030 BIG5 BIG5-HKSCS (locales %s)"
              % (versions["jieba"], versions["opencc"], versions["locales"]))
    lines = [
        "/*",
        " * Generated by dicts/gen_encoding_freq.py -- do not edit.",
        " * Sources: " + source + ".",
        " * Costs are -log2(probability) of a character in Chinese text, in",
        " * quarter bits; the top %d characters per script plus common"
        % TOP_N,
        " * punctuation.",
        " */",
        "",
        "#define ENC_FREQ_SOURCES \\",
        '    "%s"' % source,
        "",
        "/* GBK codes of frequent Simplified characters, by code. */",
    ]
    emit_cost_table(lines, "enc_gbk", gbk_costs, 8)
    lines.append("")
    lines.append("/* BIG5 codes of frequent Traditional characters, by code. */")
    emit_cost_table(lines, "enc_big5", big5_costs, 8)
    lines.append("")
    lines.append("/* Code points below U+10000 of frequent characters of both "
                 "scripts. */")
    emit_cost_table(lines, "enc_uni", {k: v for k, v in uni.items()
                                       if k < 0x10000}, 8)
    lines.append("")
    lines.append("/* Two-byte codes that GB18030 defines and GBK does not "
                 "(user-defined")
    lines.append(" * areas and unassigned symbol cells): runs [lo, hi]. */")
    runs = ranges(gb18030_codes - gbk_codes)
    emit_array(lines, "uint16_t", "enc_gb18030_only",
               [x for r in runs for x in r], 10, "0x%04X")
    lines.append("")
    lines.append("/* Defined GB18030 four-byte sequences, as runs [lo, hi] of "
                 "the linear")
    lines.append(" * index ((b1-0x81)*10 + b2-0x30)*1260 + (b3-0x81)*10 + "
                 "b4-0x30. */")
    emit_array(lines, "uint32_t", "enc_gb18030_four",
               [x for r in gb18030_four_byte_runs(gb18030) for x in r], 8,
               "%d")
    lines.append("")
    lines.append("/* Two-byte codes defined by BIG5 and by BIG5-HKSCS: runs "
                 "[lo, hi] with")
    lines.append(" * flags 1 = in BIG5, 2 = in BIG5-HKSCS, 4 = BIG5 decodes "
                 "it to private")
    lines.append(" * use where BIG5-HKSCS has a real character (the ETEN "
                 "cells C6A1-C8FE). */")
    flags = {}
    for c in b5:
        flags[c] = flags.get(c, 0) | 1
    for c in hk:
        flags[c] = flags.get(c, 0) | 2
    pua = lambda cps: len(cps) == 1 and 0xE000 <= cps[0] <= 0xF8FF
    for raw, cps in big5.items():
        if len(raw) == 2 and raw in hkscs and pua(cps) and \
                not pua(hkscs[raw]):
            flags[(raw[0] << 8) | raw[1]] |= 4
    runs = []
    for c in sorted(flags):
        if runs and runs[-1][1] + 1 == c and runs[-1][2] == flags[c]:
            runs[-1][1] = c
        else:
            runs.append([c, c, flags[c]])
    emit_array(lines, "uint16_t", "enc_big5_runs",
               [x for r in runs for x in r], 12, "0x%04X")
    return "\n".join(lines) + "\n"


def main():
    text = generate()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() != text:
                sys.exit("%s is stale: regenerate it with %s"
                         % (sys.argv[2], sys.argv[0]))
        return
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
