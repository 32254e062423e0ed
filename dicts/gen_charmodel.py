"""Generate the character model: dicts/charfreq.tsv, dicts/charbigram.tsv
and src/data_charmodel.c.

usage: python3 dicts/gen_charmodel.py OUTDIR

Counts come from jieba's dictionary (python3-jieba), whose word
frequencies are a general corpus statistic: every word's frequency is
credited to each Han character in it (once per occurrence) and to each
pair of adjacent Han characters in it. Words are never joined, so pairs
across word boundaries are not counted; the model accounts for that (see
below). Running prose (manpages-zh, fortunes-zh) is deliberately not used:
it is evaluation text for other parts of zhfix.

jieba's dictionary is Simplified Chinese. So that Traditional text is not
scored as improbable, each word is also converted with OpenCC's s2t
(OpenCC's standard Traditional) and s2tw (Taiwan forms) configurations,
and counts are weighted

    count = 2 * simplified + s2t + s2tw

i.e. a corpus half Simplified, half Traditional (split between the two
Traditional standards). Characters are Han when genlib.han_ranges() says
so; other characters in jieba words (Latin letters in "T恤", digits) are
skipped and break pairs.

The model (all logs natural, stored as int16 hundredths of a nat):

  unigram   P(c) = (count(c) + ALPHA) / (N + ALPHA * V)
            N = sum of counts, V = number of Han code points; a Han
            character not in the table gets the floor ALPHA / (N + ALPHA*V).
  bigram    P(b|a) = (1 - EPS) * count(ab) / count(a) + bow(a) * P(b)
            bow(a) = EPS + (1 - EPS) * (count(a) - kept(a)) / count(a)
            kept(a) = sum of count(ab) over the pairs kept in the table.
            count(a) - kept(a) is the mass of occurrences of a that end
            a word (or continue into a pruned pair); at a word end the
            next character is the start of any word, estimated by P(b).
            EPS keeps characters that never end a word from forbidding
            every unseen successor. For a pair not in the table,
            log P(b|a) = log bow(a) + log P(b): a backoff to the unigram.

Pairs are kept when count(ab) >= PAIR_MIN. With the weighting above a
pair of a word of jieba frequency f that reads the same in both scripts
has count 4f, so PAIR_MIN = 16 drops pairs seen only in one word of the
minimum frequencies 2 or 3 (jieba's placeholder counts for rare words).

Running prose. jieba's counts never join words, so the transition from
one word into the next (文 -> 的) is only the backoff estimate above, and
the model prefers readings that form words. Pairs of adjacent Han
characters are therefore also counted in Debian's own documentation in
Chinese, in both scripts (PROSE below: the Debian Reference and the New
Maintainers' Guide in zh_CN and zh_TW, the Debian FAQ in zh_CN, from
their plain-text editions; PROSE_HTML: the Debian Administrator's
Handbook in zh-CN and zh-TW and the installation guide in zh_CN, from
their HTML, a paragraph per block element). A paragraph's wrapped lines
are joined (a line break between two Han characters is no break in the
text); only pairs of Han characters adjacent in a paragraph count. With
p(a) the number of occurrences of a followed by a Han character and p(ab)
those followed by b, the two estimates are interpolated:

  P(b|a) = lam(a) * p(ab) / p(a) + (1 - lam(a)) * Pj(b|a)
  lam(a) = LAM_MAX * p(a) / (p(a) + LAM_K)

where Pj is the jieba model above. The prose is small (about 600,000
Han characters) and technical, so it never has more than LAM_MAX of the
say, and less for characters it has seen rarely. A pair not in the table
costs log((1 - lam(a)) bow(a)) + log P(b): the stored backoff weight is
(1 - lam(a)) bow(a). The table keeps the jieba pairs above plus every
prose pair seen at least PROSE_MIN times. Unigrams are jieba's alone.
"""

import gzip
import html.parser
import math
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in dicts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genlib  # noqa: E402

JIEBA = "/usr/lib/python3/dist-packages/jieba/dict.txt"
OPENCC_CONFIGS = ("/usr/share/opencc/s2t.json", "/usr/share/opencc/s2tw.json")
# Running prose: Debian documentation, plain-text editions, both scripts.
PROSE = (
    "/usr/share/debian-reference/debian-reference.zh-cn.txt.gz",
    "/usr/share/debian-reference/debian-reference.zh-tw.txt.gz",
    "/usr/share/doc/maint-guide-zh-cn/maint-guide.zh-cn.txt.gz",
    "/usr/share/doc/maint-guide-zh-tw/maint-guide.zh-tw.txt.gz",
    "/usr/share/doc/debian/FAQ/debian-faq.zh-cn.txt.gz",
)
# ...and HTML editions: The Debian Administrator's Handbook (zh-CN,
# zh-TW) and the Debian installation guide (zh_CN).
PROSE_HTML = (
    ("debian-handbook zh-CN HTML",
     "/usr/share/doc/debian-handbook/html/zh-CN"),
    ("debian-handbook zh-TW HTML",
     "/usr/share/doc/debian-handbook/html/zh-TW"),
    ("installation-guide zh_CN HTML",
     "/usr/share/doc/installation-guide-amd64/zh_CN"),
)
SIMPLIFIED_WEIGHT = 2
PAIR_MIN = 16
PROSE_MIN = 2
LAM_MAX = 0.5
LAM_K = 10.0
ALPHA = 1.0
EPS = 0.05
SCALE = genlib.LOGP_SCALE
SHIFT = 8    # two-level index: 256 code points per block


def read_jieba():
    words = []
    with open(JIEBA, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                raise SystemExit("%s:%d: bad line" % (JIEBA, n))
            words.append((parts[0], int(parts[1])))
    return words


def convert(words, config):
    """Convert each word with the opencc CLI (one word a line)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.txt")
        dst = os.path.join(tmp, "out.txt")
        with open(src, "w", encoding="utf-8", newline="\n") as f:
            for w, _ in words:
                f.write(w + "\n")
        subprocess.run(["opencc", "-c", config, "-i", src, "-o", dst],
                       check=True)
        with open(dst, encoding="utf-8") as f:
            out = f.read().split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(words):
        raise SystemExit("opencc %s changed the number of lines" % config)
    return out


def count(words, conversions, han):
    jieba = {}
    uni = {}
    follow = {}
    pairs = {}
    forms = [([w for w, _ in words], SIMPLIFIED_WEIGHT)]
    forms += [(conv, 1) for conv in conversions]
    freqs = [f for _, f in words]
    for texts, weight in forms:
        for text, freq in zip(texts, freqs):
            m = freq * weight
            cps = [ord(ch) for ch in text]
            for i, cp in enumerate(cps):
                if cp not in han:
                    continue
                if texts is forms[0][0]:
                    jieba[cp] = jieba.get(cp, 0) + freq
                uni[cp] = uni.get(cp, 0) + m
                if i + 1 < len(cps) and cps[i + 1] in han:
                    follow[cp] = follow.get(cp, 0) + m
                    key = (cp, cps[i + 1])
                    pairs[key] = pairs.get(key, 0) + m
    return jieba, uni, follow, pairs


class _Paragraphs(html.parser.HTMLParser):
    """The text of an HTML page, a paragraph per block element."""
    BLOCKS = {"p", "div", "li", "dt", "dd", "td", "th", "tr", "pre", "br",
              "h1", "h2", "h3", "h4", "h5", "h6", "title", "table", "ul",
              "ol", "dl", "blockquote", "section", "body", "head"}
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras = [[]]
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCKS:
            self.paras.append([])

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.paras.append([])

    def handle_data(self, data):
        if not self.skip:
            self.paras[-1].append(data)


def html_paragraphs(directory):
    """Paragraphs of every .html file under directory, in sorted order,
    each as the plain-text editions give them (lines of one paragraph)."""
    out = []
    for dirpath, dirnames, filenames in sorted(os.walk(directory)):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".html"):
                continue
            parser = _Paragraphs()
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                parser.feed(f.read())
            parser.close()
            out += ["".join(p) for p in parser.paras if p]
    return out


def prose_paragraphs():
    """Paragraphs of the running prose: the plain-text PROSE files split at
    blank lines, then the PROSE_HTML pages by block element."""
    for path in PROSE:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            yield from f.read().split("\n\n")
    for _, directory in PROSE_HTML:
        yield from html_paragraphs(directory)


def read_prose(han):
    """Pairs of adjacent Han characters in the running prose: (follow,
    pairs), follow[a] = p(a), pairs[(a, b)] = p(ab) (see the docstring).

    The plain-text files are wrapped at about 72 columns, paragraphs
    separated by blank lines, and HTML source wraps too; a paragraph's
    lines are joined, with nothing between them, so pairs across a line
    break count."""
    follow = {}
    pairs = {}
    for para in prose_paragraphs():
        cps = [ord(ch) for ch in "".join(x.strip() for x in para.split("\n"))]
        for a, b in zip(cps, cps[1:]):
            if a in han and b in han:
                follow[a] = follow.get(a, 0) + 1
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    return follow, pairs


def main():
    root = genlib.out_dir()
    han = genlib.HanSet(genlib.han_ranges())
    words = read_jieba()
    conversions = [convert(words, c) for c in OPENCC_CONFIGS]
    jieba, uni, follow, pairs = count(words, conversions, han)
    kept = set(k for k, v in pairs.items() if v >= PAIR_MIN)
    pfollow, ppairs = read_prose(han)
    pkept = set(k for k, v in ppairs.items()
                if v >= PROSE_MIN and k[0] in uni and k[1] in uni)
    table = sorted(kept | pkept)

    src_jieba = genlib.source("jieba dict.txt", JIEBA)
    src_opencc = genlib.source("OpenCC s2t, s2tw", OPENCC_CONFIGS[0])
    src_ucd = genlib.source("Unicode %s PropList, UnicodeData"
                            % genlib.unicode_version(), genlib.PROPLIST)
    src_prose = []
    for path in PROSE:
        src_prose += ["Source: " + genlib.source(os.path.basename(path), path),
                      "Source-file: " + path]
    for name, directory in PROSE_HTML:
        first = os.path.join(directory, min(
            n for n in os.listdir(directory) if n.endswith(".html")))
        src_prose += ["Source: " + genlib.source(name, first),
                      "Source-file: " + directory + "/*.html"]
    common = [
        "Generated by dicts/gen_charmodel.py; do not edit.",
        "Source: " + src_jieba,
        "Source-file: " + JIEBA,
        "Source: " + src_opencc,
        "Source-file: " + ", ".join(OPENCC_CONFIGS),
        "Source: " + src_ucd,
    ] + src_prose + [
        "License: jieba: MIT (Expat); OpenCC: Apache-2.0; Unicode data:",
        "Unicode License Agreement; Debian Reference, New Maintainers' Guide,",
        "installation guide: GPL-2+; Debian Administrator's Handbook:",
        "GPL-2+ or CC-BY-SA-3.0; Debian FAQ: verbatim copying permitted",
        "(counts of character pairs only are taken from the documentation;",
        "see /usr/share/doc/*/copyright).",
        "",
        "Each jieba word's frequency f is credited to its Han characters; the",
        "word converted by OpenCC s2t and by s2tw is credited the same way,",
        "and count = %d * simplified + s2t + s2tw (half Simplified, half"
        % SIMPLIFIED_WEIGHT,
        "Traditional). dicts/gen_charmodel.py documents the model.",
    ]
    genlib.write_tsv(
        genlib.output_path(root, "dicts/charfreq.tsv"),
        ["charfreq.tsv: Han character counts for zhfix's character model."]
        + common + [
            "jieba: the plain count in jieba's dict.txt; count: the weighted",
            "count the model uses; follow: the weighted count of occurrences",
            "followed by another Han character in the same word.",
        ],
        ["char", "codepoint", "jieba", "count", "follow"],
        [(chr(cp), "U+%04X" % cp, str(jieba.get(cp, 0)), str(uni[cp]),
          str(follow.get(cp, 0))) for cp in sorted(uni)])
    genlib.write_tsv(
        genlib.output_path(root, "dicts/charbigram.tsv"),
        ["charbigram.tsv: counts of adjacent Han characters."]
        + common + [
            "count: weighted count of b following a inside a jieba word, kept",
            "when >= %d (%d of %d pairs), else 0; prose: times b follows a in"
            % (PAIR_MIN, len(kept), len(pairs)),
            "the documentation, kept when >= %d (%d of %d pairs), else 0. A"
            % (PROSE_MIN, len(pkept), len(ppairs)),
            "pair is listed when either is kept; the rest back off to the",
            "unigram model. Sorted by code point of a, then of b.",
        ],
        ["a", "b", "count", "prose"],
        [(chr(a), chr(b), str(pairs[(a, b)] if (a, b) in kept else 0),
          str(ppairs[(a, b)] if (a, b) in pkept else 0))
         for a, b in table])

    write_c(root, han, uni, table, kept, pairs, pfollow, ppairs)


def write_c(root, han, uni, table, kept, pairs, pfollow, ppairs):
    chars = sorted(uni)
    if len(chars) >= 0xFFFF:
        raise SystemExit("too many characters for uint16_t indices")
    idx = {cp: i for i, cp in enumerate(chars)}
    total = sum(uni.values())
    denom = total + ALPHA * han.count
    logp = {cp: math.log((uni[cp] + ALPHA) / denom) for cp in chars}
    floor = math.log(ALPHA / denom)

    rows = [[] for _ in chars]
    for a, b in table:
        rows[idx[a]].append(b)
    bow = []
    row_off = [0]
    nxt = []
    pair_lp = []
    for i, a in enumerate(chars):
        ca = uni[a]
        kept_a = sum(pairs[(a, b)] for b in rows[i] if (a, b) in kept)
        w = EPS + (1.0 - EPS) * (ca - kept_a) / ca
        pa = pfollow.get(a, 0)
        lam = LAM_MAX * pa / (pa + LAM_K)
        bow.append(genlib.quantize(math.log((1.0 - lam) * w)))
        for b in rows[i]:
            pj = w * math.exp(logp[b])
            if (a, b) in kept:
                pj += (1.0 - EPS) * pairs[(a, b)] / ca
            p = (1.0 - lam) * pj
            if pa:
                p += lam * ppairs.get((a, b), 0) / pa
            nxt.append(idx[b])
            pair_lp.append(genlib.quantize(math.log(p)))
        row_off.append(len(nxt))

    stage1, blocks = genlib.two_level({cp: i + 1 for cp, i in idx.items()},
                                      0, SHIFT)
    if len(blocks) > 256:
        raise SystemExit("too many blocks for a uint8_t stage 1")
    stage2 = [v for blk in blocks for v in blk]

    parts = [genlib.C_HEADER.format(
                gen="gen_charmodel.py",
                tsv="dicts/charfreq.tsv and dicts/charbigram.tsv"),
             '#define ZH_DATA_TABLES\n#include "data.h"\n\n']
    parts.append("/* %d characters, %d pairs, N = %d, V = %d.\n"
                 " * Log-probabilities in 1/%d nats. */\n"
                 % (len(chars), len(table), total, han.count, SCALE))
    parts.append("const uint32_t zh_cm_count = %d;\n" % len(chars))
    parts.append("const int16_t zh_cm_floor = %d;\n" % genlib.quantize(floor))
    parts.append("\n/* Index of a character, plus one (0: not in the model):"
                 "\n * zh_cm_stage2[zh_cm_stage1[cp >> 8] * 256 + (cp & 255)]."
                 " */\n")
    parts.append(genlib.c_array("uint8_t", "zh_cm_stage1", stage1, 16))
    parts.append(genlib.c_array("uint16_t", "zh_cm_stage2", stage2, 16))
    parts.append("\n/* Per character, by index: code point, log P(c), log "
                 "bow(c). */\n")
    parts.append(genlib.c_array("uint32_t", "zh_cm_cp", chars, 8, "0x%04X"))
    parts.append(genlib.c_array("int16_t", "zh_cm_logp",
                                [genlib.quantize(logp[c]) for c in chars], 14))
    parts.append(genlib.c_array("int16_t", "zh_cm_bow", bow, 14))
    parts.append("\n/* Pairs (a, b) for a at index i: zh_cm_next[zh_cm_row[i]"
                 " .. zh_cm_row[i + 1]]\n * holds the indices of b in "
                 "increasing order, zh_cm_pair_logp log P(b|a). */\n")
    parts.append(genlib.c_array("uint32_t", "zh_cm_row", row_off, 12))
    parts.append(genlib.c_array("uint16_t", "zh_cm_next", nxt, 14))
    parts.append(genlib.c_array("int16_t", "zh_cm_pair_logp", pair_lp, 14))
    genlib.write_c(genlib.output_path(root, "src/data_charmodel.c"),
                   "".join(parts))


if __name__ == "__main__":
    main()
