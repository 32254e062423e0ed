"""Generate dicts/readings.tsv and src/data_readings.c from Unihan.

usage: python3 dicts/gen_readings.py OUTDIR

Mandarin readings of every Han character that has one in Unihan's
kMandarin, kTGHZ2013, kXHC1983 or kHanyuPinyin fields (Unihan_Readings.txt
of the unicode-data package). The readings of a character are the union of
those fields, in this order: kMandarin (its customary reading, zh-CN value
first, then a differing zh-TW value), then kTGHZ2013, kXHC1983 and
kHanyuPinyin in the order each lists them; duplicates are dropped.

The C tables let data.c answer "is this pinyin syllable a reading of this
character?" and "which characters does this syllable name?". Syllables are
compared in a canonical tone-number form (see canonical() below), so the
table of pinyin letters with tone marks is generated here too, from the
canonical decompositions in UnicodeData.txt.
"""

import bz2
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in dicts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genlib  # noqa: E402

UNIHAN = "/usr/share/unicode/Unihan_Readings.txt.bz2"
FIELDS = ("kMandarin", "kTGHZ2013", "kXHC1983", "kHanyuPinyin")

# Pinyin's four tone marks as combining characters, and the two other
# diacritics it uses: the diaeresis of u (written v in tone-number input)
# and the circumflex of e (the rare interjection syllable ê).
TONE_MARKS = {0x0304: 1, 0x0301: 2, 0x030C: 3, 0x0300: 4}
DIAERESIS = 0x0308
CIRCUMFLEX = 0x0302
VOWEL_E_CIRC = "\u00ea"  # ê, kept as itself in the canonical form
NEUTRAL = 5


def letter_table(decomp):
    """Precomposed letters that pinyin uses: cp -> (base, tone).

    base is the lower-case ASCII letter, 'v' for u with diaeresis or
    'E' for e with circumflex (data.c writes that as the two bytes of
    ê); tone is 1-4, or 0 when the letter has no tone mark."""
    table = {}
    for cp, parts in sorted(decomp.items()):
        base = chr(parts[0]).lower()
        if base not in "aeioumn" or len(parts) < 2:
            continue
        marks = parts[1:]
        tone = 0
        ok = True
        for m in marks:
            if m in TONE_MARKS and tone == 0:
                tone = TONE_MARKS[m]
            elif m == DIAERESIS and base == "u":
                base = "v"
            elif m == CIRCUMFLEX and base == "e":
                base = "E"
            else:
                ok = False
        if ok:
            table[cp] = (base, tone)
    return table


def canonical(syl, letters):
    """Tone-number form of a tone-marked syllable: 'chǎn' -> 'chan3',
    'nǚ' -> 'nv3', 'le' -> 'le5', 'ê̄' -> 'ê1'. After j, q, x and y a
    u with diaeresis is written u (pinyin spells jü as ju)."""
    out = []
    tone = 0
    for ch in syl:
        cp = ord(ch)
        if cp in TONE_MARKS:
            if tone or not out:
                raise ValueError("bad syllable %r" % syl)
            tone = TONE_MARKS[cp]
            continue
        if cp == DIAERESIS and out and out[-1] == "u":
            out[-1] = "v"
            continue
        if cp == CIRCUMFLEX and out and out[-1] == "e":
            out[-1] = "E"
            continue
        if "a" <= ch.lower() <= "z":
            out.append(ch.lower())
            continue
        if cp in letters:
            base, t = letters[cp]
            if t and tone:
                raise ValueError("two tone marks in %r" % syl)
            tone = tone or t
            out.append(base)
            continue
        raise ValueError("unexpected %r in syllable %r" % (ch, syl))
    if len(out) >= 2 and out[0] in "jqxy" and out[1] == "v":
        out[1] = "u"
    text = "".join(out).replace("E", VOWEL_E_CIRC)
    return text + str(tone or NEUTRAL)


def parse_field(field, value):
    if field == "kMandarin":
        return value.split(" ")
    # "LOCATION[,LOCATION]:READING[,READING]" entries, space separated.
    out = []
    for entry in value.split(" "):
        locs, sep, readings = entry.partition(":")
        if not sep or not readings:
            raise ValueError("bad %s value %r" % (field, value))
        out.extend(readings.split(","))
    return out


def read_unihan():
    fields = {}
    version = None
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Unicode version:"):
                version = line.split(":", 1)[1].strip()
            if line.startswith("#") or not line.strip():
                continue
            cp, field, value = line.rstrip("\n").split("\t")
            if field in FIELDS:
                fields.setdefault(int(cp[2:], 16), {})[field] = value
    if version is None:
        raise SystemExit("no Unicode version in " + UNIHAN)
    return version, fields


def main():
    root = genlib.out_dir()
    version, fields = read_unihan()
    letters = letter_table(genlib.decompositions())
    han = genlib.HanSet(genlib.han_ranges())

    rows = []       # (cp, first_from, [readings])
    for cp in sorted(fields):
        if cp not in han:
            raise SystemExit("U+%04X has readings but is not Han" % cp)
        readings = []
        first_from = None
        for field in FIELDS:
            if field not in fields[cp]:
                continue
            for r in parse_field(field, fields[cp][field]):
                canonical(r, letters)  # validates
                if r not in readings:
                    readings.append(r)
                    if first_from is None:
                        first_from = field
        rows.append((cp, first_from, readings))

    src = genlib.source("Unihan %s" % version, UNIHAN)
    header = [
        "readings.tsv: Mandarin readings of Han characters, in tone-marked",
        "pinyin. Generated by dicts/gen_readings.py; do not edit.",
        "Source: " + src,
        "Source-file: " + UNIHAN,
        "License: Unicode License Agreement - Data Files and Software",
        "(see /usr/share/doc/unicode-data/copyright).",
        "",
        "One row per character, sorted by code point. readings is the union",
        "of the Unihan fields kMandarin, kTGHZ2013, kXHC1983, kHanyuPinyin in",
        "that order, each in its own order, without duplicates; first_from",
        "names the field that gave the first reading (kMandarin, the",
        "customary reading, whenever the character has one).",
    ]
    genlib.write_tsv(
        genlib.output_path(root, "dicts/readings.tsv"), header,
        ["char", "codepoint", "first_from", "readings"],
        [(chr(cp), "U+%04X" % cp, ff, " ".join(rs)) for cp, ff, rs in rows])

    write_c(root, rows, letters)


def write_c(root, rows, letters):
    # Distinct syllables, ordered by canonical form so data.c can binary
    # search them; each keeps the tone-marked spelling of its first use.
    marked = {}
    for cp, ff, rs in rows:
        for r in rs:
            marked.setdefault(canonical(r, letters), r)
    syls = sorted(marked, key=lambda s: s.encode("utf-8"))
    syl_id = {s: i for i, s in enumerate(syls)}
    if len(syls) > 0xFFFF:
        raise SystemExit("too many syllables for uint16_t")

    cps = []
    off = [0]
    ids = []
    chars_of = [[] for _ in syls]
    for cp, ff, rs in rows:
        cps.append(cp)
        seen = []
        for r in rs:
            i = syl_id[canonical(r, letters)]
            # Two spellings may share a canonical form (a jü written
            # "jü" by one field); keep the syllable once.
            if i not in seen:
                seen.append(i)
                chars_of[i].append(cp)
        ids.extend(seen)
        off.append(len(ids))
    syl_off = [0]
    syl_cps = []
    for lst in chars_of:
        syl_cps.extend(lst)
        syl_off.append(len(syl_cps))

    numw = max(len(s.encode("utf-8")) for s in syls) + 1
    markw = max(len(marked[s].encode("utf-8")) for s in syls) + 1
    if numw > 12 or markw > 12:
        raise SystemExit("syllable longer than ZH_SYL_SIZE")

    lcps = sorted(letters)
    parts = [genlib.C_HEADER.format(gen="gen_readings.py",
                                    tsv="dicts/readings.tsv"),
             '#define ZH_DATA_TABLES\n#include "data.h"\n\n']
    parts.append("/* Precomposed letters of pinyin: base letter ('v' is u "
                 "with diaeresis,\n * 'E' is e with circumflex) and tone "
                 "mark (0 none, 1-4). */\n")
    parts.append("const uint32_t zh_pinyin_letter_count = %d;\n" % len(lcps))
    parts.append(genlib.c_array("uint32_t", "zh_pinyin_letter_cp", lcps,
                                8, "0x%04X"))
    parts.append(genlib.c_array("char", "zh_pinyin_letter_base",
                                [letters[c][0] for c in lcps], 12, "'%s'"))
    parts.append(genlib.c_array("uint8_t", "zh_pinyin_letter_tone",
                                [letters[c][1] for c in lcps]))
    parts.append("\n/* Syllables sorted by tone-number form (bytewise). */\n")
    parts.append("const uint32_t zh_syl_count = %d;\n" % len(syls))
    for name, texts in (("zh_syl_numbered", syls),
                        ("zh_syl_marked", [marked[s] for s in syls])):
        parts.append("const char %s[%d][ZH_SYL_SIZE] = {\n" %
                     (name, len(syls)))
        for i in range(0, len(texts), 6):
            parts.append("    " + ", ".join(genlib.c_string(t)
                                            for t in texts[i:i + 6]) + ",\n")
        parts.append("};\n")
    parts.append("/* Characters with each syllable: zh_syl_cp[zh_syl_off[i]"
                 " .. zh_syl_off[i + 1]],\n * by code point. */\n")
    parts.append(genlib.c_array("uint32_t", "zh_syl_off", syl_off))
    parts.append(genlib.c_array("uint32_t", "zh_syl_cp", syl_cps, 8,
                                "0x%04X"))
    parts.append("\n/* Characters with readings, sorted; the readings of "
                 "zh_rd_cp[i] are\n * zh_rd_syl[zh_rd_off[i] .. "
                 "zh_rd_off[i + 1]], customary one first. */\n")
    parts.append("const uint32_t zh_rd_count = %d;\n" % len(cps))
    parts.append(genlib.c_array("uint32_t", "zh_rd_cp", cps, 8, "0x%04X"))
    parts.append(genlib.c_array("uint32_t", "zh_rd_off", off))
    parts.append(genlib.c_array("uint16_t", "zh_rd_syl", ids))
    genlib.write_c(genlib.output_path(root, "src/data_readings.c"),
                   "".join(parts))


if __name__ == "__main__":
    main()
