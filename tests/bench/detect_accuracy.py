#!/usr/bin/env python3
"""Measure encoding-detection accuracy of zhfix, uchardet and enca.

Usage:
  tests/bench/detect_accuracy.py [--driver PATH] [--samples N]
                                 [--big-samples N] [--seed N] [--keep DIR]

A measurement, not a unit test.  It builds samples from real prose shipped in
Debian packages, encodes them with glibc's iconv, runs each detector on every
sample and prints Markdown tables of accuracy per encoding and size.

Corpora:
  Simplified   manpages-zh (/usr/share/man/zh_CN) + fortunes-zh (*.u8)
  Traditional  manpages-zh (/usr/share/man/zh_TW) + fortunes-zh via
               `opencc -c s2tw.json`
  Hong Kong    fortunes-zh + zh_CN man pages via `opencc -c s2hk.json`
  negatives    English man pages (ASCII), French/German man pages (Latin-1),
               Japanese man pages (Shift_JIS), Korean man pages (EUC-KR)

Samples are cut at character boundaries from random places of the encoded
corpus; a sample of size S has at most S bytes (BOM included).  Cuts of
Chinese text that hold no non-ASCII character (man pages have English
stretches) are drawn again: they are no evidence for any encoding.  Equivalent
answers: gbk/gb18030/cp936/gb2312 for GBK samples; big5/cp950/big5-hkscs for
Big5 samples, and for Big5-HKSCS samples without HKSCS-only characters
(text that glibc's BIG5 can encode).  Such a sample may still use a code
the two charsets map differently (A242 is U+FF0F in BIG5-HKSCS, U+2215 in
glibc's BIG5).
For UTF-16 with a BOM, an answer without byte order (UTF-16, UCS-2) counts.

Without --driver, the zhfix driver is built from src/encoding.c and
tests/bench/detect_driver.c with cc (the encoding module stands alone).
"""

import argparse
import bisect
import collections
import ctypes
import glob
import gzip
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SIZES = [20, 200, 2000, 200000]

# ---- glibc iconv through ctypes (the same converter zhfix uses) ----------

_libc = ctypes.CDLL("libc.so.6", use_errno=True)
_libc.iconv_open.restype = ctypes.c_void_p
_libc.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
_libc.iconv.restype = ctypes.c_size_t
_libc.iconv.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                        ctypes.POINTER(ctypes.c_size_t),
                        ctypes.POINTER(ctypes.c_char_p),
                        ctypes.POINTER(ctypes.c_size_t)]
_libc.iconv_close.argtypes = [ctypes.c_void_p]
_FAIL = ctypes.c_size_t(-1).value


class Iconv:
    def __init__(self, to, frm):
        self.cd = _libc.iconv_open(to.encode(), frm.encode())
        if self.cd in (None, _FAIL):
            sys.exit("iconv_open(%s, %s) failed" % (to, frm))

    def convert(self, data):
        """Whole conversion of data, or None if iconv rejects any of it."""
        inbuf = ctypes.create_string_buffer(data, len(data))
        outcap = 4 * len(data) + 16
        outbuf = ctypes.create_string_buffer(outcap)
        inp = ctypes.cast(inbuf, ctypes.c_char_p)
        outp = ctypes.cast(outbuf, ctypes.c_char_p)
        inleft = ctypes.c_size_t(len(data))
        outleft = ctypes.c_size_t(outcap)
        _libc.iconv(self.cd, None, None, None, None)  # initial state
        r = _libc.iconv(self.cd, ctypes.byref(inp), ctypes.byref(inleft),
                        ctypes.byref(outp), ctypes.byref(outleft))
        if r == _FAIL or inleft.value:
            return None
        r = _libc.iconv(self.cd, None, None, ctypes.byref(outp),
                        ctypes.byref(outleft))
        if r == _FAIL:
            return None
        return outbuf.raw[:outcap - outleft.value]


# ---- corpora -------------------------------------------------------------

ROFF_ESCAPES = re.compile(r"\\(f[BIRP]|f\[[A-Z]*\]|\(..|\*\(..|\*.|[&|^e,/])")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def man_text(pattern):
    """Prose lines of the man pages matching pattern (roff requests and
    comments dropped, common escapes removed)."""
    lines = []
    for path in sorted(glob.glob(pattern)):
        try:
            raw = gzip.open(path).read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for line in raw.split("\n"):
            if line.startswith((".", "'")):
                continue
            line = ROFF_ESCAPES.sub("", line.replace("\\-", "-")).strip()
            if line:
                lines.append(line)
    return lines


def fortune_text():
    lines = []
    for path in sorted(glob.glob("/usr/share/games/fortunes/*.u8")):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in ANSI.sub("", f.read()).split("\n"):
                line = line.strip()
                if line and line != "%":
                    lines.append(line)
    return lines


def opencc(lines, config):
    out = subprocess.run(["opencc", "-c", config], input="\n".join(lines),
                         capture_output=True, text=True, check=True).stdout
    return out.split("\n")


def has_cjk(line):
    return any(ord(ch) >= 0x3000 for ch in line)


# ---- encoded corpora and samples -----------------------------------------

def encode_corpus(lines, charset):
    """Concatenation of the lines (newline-terminated) that glibc encodes
    whole in charset."""
    conv = Iconv(charset, "UTF-8")
    parts = []
    for line in lines:
        b = conv.convert((line + "\n").encode("utf-8"))
        if b is not None:
            parts.append(b)
    return b"".join(parts)


def boundaries(data, kind):
    """Offsets in data where a character starts."""
    out = []
    i, n = 0, len(data)
    if kind == "utf-8":
        return [j for j in range(n) if data[j] & 0xC0 != 0x80] + [n]
    if kind in ("utf-16le", "utf-16be"):
        hi = 1 if kind == "utf-16le" else 0
        while i + 1 < n:
            out.append(i)
            i += 4 if 0xD8 <= data[i + hi] <= 0xDB else 2
        return out + [min(i, n)]
    while i < n:  # double-byte charsets: single bytes, or lead + trail
        out.append(i)
        c = data[i]
        if c < 0x80 or (kind == "shift_jis" and 0xA1 <= c <= 0xDF):
            i += 1
        else:
            i += 2
    return out + [min(i, n)]


def non_ascii(sample, kind):
    """Does the sample hold a character outside ASCII? A pure-ASCII cut is
    no evidence for any encoding, so such cuts are drawn again."""
    if kind in ("utf-16le", "utf-16be"):
        hi = 1 if kind == "utf-16le" else 0
        return any(sample[i + hi] or sample[i + 1 - hi] >= 0x80
                   for i in range(0, len(sample) - 1, 2))
    return any(b >= 0x80 for b in sample)


def make_samples(data, kind, size, count, rng, bom=b""):
    bounds = boundaries(data, kind)
    body = size - len(bom)
    if len(data) < body * 1.2:
        return []
    samples = []
    last = bisect.bisect_right(bounds, len(data) - body)
    for _ in range(count):
        for _attempt in range(1000):
            start = bounds[rng.randrange(0, last)]
            end = bounds[bisect.bisect_right(bounds, start + body) - 1]
            if non_ascii(data[start:end], kind):
                break
        samples.append(bom + data[start:end])
    return samples


# ---- the three detectors -------------------------------------------------

def run_zhfix(driver, files):
    out = subprocess.run([driver] + files, capture_output=True, text=True,
                         check=True).stdout
    res = {}
    for line in out.splitlines():
        path, enc, conf, _bom, _binary = line.split("\t")
        res[path] = (enc.lower(), int(conf))
    return res


def run_named(cmd, files):
    out = subprocess.run(cmd + files, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        path, _, name = line.rpartition(": ")
        res[path] = (name.strip().lower(), None)
    return res


GBK_OK = {"gbk", "gb18030", "cp936", "gb2312", "euc-cn", "windows-936"}
BIG5_OK = {"big5", "cp950", "big5-hkscs", "big5hkscs"}
HK_OK = {"big5-hkscs", "big5hkscs"}


def accepted(kind, bom, sample, big5_enc):
    if kind == "utf-8":
        return {"utf-8", "utf8"}
    if kind in ("utf-16le", "utf-16be"):
        ok = {kind, kind.replace("utf-16", "ucs-2")}
        if bom:
            ok |= {"utf-16", "ucs-2"}
        return ok
    if kind == "gbk":
        return GBK_OK
    if kind == "big5":
        return BIG5_OK
    if kind == "big5-hkscs":
        # no HKSCS-only character: BIG5 can encode all of the text
        text = Iconv("UTF-8", "BIG5-HKSCS").convert(sample)
        if big5_enc.convert(text) is not None:
            return BIG5_OK
        return HK_OK
    return NEGATIVE_OK[kind]


NEGATIVE_OK = {
    "ascii": {"ascii", "us-ascii", "utf-8", "ansi_x3.4-1968"},
    "latin-1": {"iso-8859-1", "iso-8859-15", "windows-1252", "latin1"},
    "shift_jis": {"shift_jis", "sjis", "cp932", "windows-31j"},
    "euc-kr": {"euc-kr", "cp949", "uhc", "windows-949"},
}


def build_driver(tmp):
    exe = os.path.join(tmp, "detect_driver")
    subprocess.run(["cc", "-std=c11", "-O2", "-DZHFIX_BUILDING",
                    "-I" + os.path.join(ROOT, "src"),
                    os.path.join(ROOT, "src", "encoding.c"),
                    os.path.join(ROOT, "tests", "bench", "detect_driver.c"),
                    "-o", exe], check=True)
    return exe


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--driver")
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--big-samples", type=int, default=50,
                    help="samples per cell at 200 KB")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="write the samples here and keep them")
    args = ap.parse_args()
    for tool in ("uchardet", "enca", "opencc"):
        if not shutil.which(tool):
            sys.exit("detect_accuracy: %s not found" % tool)

    tmp = args.keep or tempfile.mkdtemp(prefix="zhfix-detect-")
    os.makedirs(tmp, exist_ok=True)
    driver = args.driver or build_driver(tmp)
    rng = random.Random(args.seed)

    simp = [l for l in man_text("/usr/share/man/zh_CN/man*/*.gz") +
            fortune_text() if has_cjk(l)]
    trad = [l for l in man_text("/usr/share/man/zh_TW/man*/*.gz")
            if has_cjk(l)] + opencc(fortune_text(), "s2tw.json")
    hk = opencc(simp, "s2hk.json")
    mixed = [l for pair in zip(simp, trad) for l in pair]
    english = [l for l in man_text("/usr/share/man/man1/*.gz")
               if l.isascii()]
    latin = [l for l in man_text("/usr/share/man/fr/man*/*.gz") +
             man_text("/usr/share/man/de/man*/*.gz")]
    japanese = man_text("/usr/share/man/ja/man*/*.gz")
    korean = man_text("/usr/share/man/ko/man*/*.gz")

    # (row label, kind for boundaries and answers, charset, lines, BOM)
    cells = [
        ("utf-8", "utf-8", "UTF-8", mixed, b""),
        ("utf-16le", "utf-16le", "UTF-16LE", mixed, b""),
        ("utf-16le + BOM", "utf-16le", "UTF-16LE", mixed, b"\xff\xfe"),
        ("utf-16be", "utf-16be", "UTF-16BE", mixed, b""),
        ("utf-16be + BOM", "utf-16be", "UTF-16BE", mixed, b"\xfe\xff"),
        ("gbk", "gbk", "GBK", simp, b""),
        ("big5", "big5", "BIG5", trad, b""),
        ("big5-hkscs", "big5-hkscs", "BIG5-HKSCS", hk, b""),
    ]
    negatives = [
        ("ascii (English man pages)", "ascii", "ASCII", english),
        ("latin-1 (fr/de man pages)", "latin-1", "ISO-8859-1", latin),
        ("shift_jis (ja man pages)", "shift_jis", "SHIFT_JIS", japanese),
        ("euc-kr (ko man pages)", "euc-kr", "EUC-KR", korean),
    ]
    big5_enc = Iconv("BIG5", "UTF-8")
    tools = [
        ("zhfix", lambda f: run_zhfix(driver, f)),
        ("uchardet", lambda f: run_named(["uchardet"], f)),
        ("enca -L zh -i", lambda f: run_named(["enca", "-L", "zh", "-i"], f)),
    ]

    def run_cell(name, samples):
        d = os.path.join(tmp, re.sub(r"[^a-z0-9]+", "_", name.lower()))
        os.makedirs(d, exist_ok=True)
        files = []
        for i, s in enumerate(samples):
            p = os.path.join(d, "%04d.bin" % i)
            with open(p, "wb") as f:
                f.write(s)
            files.append(p)
        return files, [t(files) for _, t in tools]

    print("## Detection accuracy (%% of samples; seed %d)\n" % args.seed)
    print("| encoding | size | samples | zhfix | uchardet | enca | "
          "zhfix median confidence |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    hk_only = {}
    for label, kind, charset, lines, bom in cells:
        data = encode_corpus(lines, charset)
        for size in SIZES:
            n = args.big_samples if size >= 100000 else args.samples
            samples = make_samples(data, kind, size, n, rng, bom)
            if not samples:
                print("| %s | %d | 0 | corpus too small | | | |"
                      % (label, size))
                continue
            files, results = run_cell("%s_%d" % (label, size), samples)
            oks = [accepted(kind, bom, s, big5_enc) for s in samples]
            if kind == "big5-hkscs":
                hk_only[size] = sum(1 for ok in oks if ok == HK_OK)
            cols = []
            for res in results:
                good = sum(1 for f, ok in zip(files, oks)
                           if res.get(f, ("?", None))[0] in ok)
                cols.append("%.1f" % (100.0 * good / len(files)))
            conf = statistics.median(results[0][f][1] for f in files)
            print("| %s | %s | %d | %s | %d |" % (
                label, human(size), len(files), " | ".join(cols), conf))
    print()
    print("Big5-HKSCS samples with HKSCS-only characters: " +
          ", ".join("%s: %d" % (human(s), n) for s, n in hk_only.items()))
    print()
    print("## Non-Chinese inputs: what each tool answers\n")
    print("| input | size | samples | zhfix | uchardet | enca |")
    print("|---|---:|---:|---|---|---|")
    for label, kind, charset, lines in negatives:
        data = encode_corpus(lines, charset)
        for size in SIZES:
            n = args.big_samples if size >= 100000 else args.samples
            bkind = "gbk" if kind in ("euc-kr",) else (
                "shift_jis" if kind == "shift_jis" else "utf-8"
                if kind == "ascii" else "latin")
            if bkind == "latin":
                samples = make_samples_bytes(data, size, n, rng)
            elif kind == "ascii":
                samples = make_samples_bytes(data, size, n, rng)
            else:
                samples = make_samples(data, bkind, size, n, rng)
            if not samples:
                print("| %s | %s | 0 | corpus too small | | |"
                      % (label, human(size)))
                continue
            files, results = run_cell("%s_%d" % (kind, size), samples)
            cols = []
            for ti, res in enumerate(results):
                answers = collections.Counter(res.get(f, ("?", 0))[0]
                                              for f in files)
                text = ", ".join("%s %d%%" % (a, round(100.0 * c / len(files)))
                                 for a, c in answers.most_common(3))
                if ti == 0:
                    text += " (median conf %d)" % statistics.median(
                        res[f][1] for f in files)
                cols.append(text)
            print("| %s | %s | %d | %s |" % (label, human(size), len(files),
                                             " | ".join(cols)))
    if not args.keep:
        shutil.rmtree(tmp)


def make_samples_bytes(data, size, count, rng):
    """Single-byte charsets: every offset is a character boundary. Latin-1
    cuts must hold a non-ASCII letter (drawn again otherwise)."""
    if len(data) < size * 1.2:
        return []
    out = []
    for _ in range(count):
        for _attempt in range(1000):
            start = rng.randrange(0, len(data) - size)
            if data.isascii() or not data[start:start + size].isascii():
                break
        out.append(data[start:start + size])
    return out


def human(size):
    if size >= 1000:
        return "%g KB" % (size / 1000)
    return "%d B" % size


if __name__ == "__main__":
    main()
