#!/usr/bin/env python3
"""Measure zhfix's encoding rules on real Chinese prose corrupted the ways
real software corrupts it.

    python3 tests/eval/mojibake_eval.py BUILD_DIR [--limit N] [--seed S]
                                        [--show TYPE] [--ftfy SRC_DIR]
                                        [--source-file FILE]

Clean text: paragraphs of Debian's manpages-zh (zh_CN and zh_TW man pages,
roff stripped) and fortunes-zh (*.u8). Each corruption type below is applied
to a sample of them with Python's own codecs (an implementation independent
of zhfix's tables), the corrupted paragraphs go through
`eval_driver fix encoding` (tests/eval/eval_driver.c, the public API), and
the table reports per type: exact recovery, character error rate (CER)
before and after, and how many outputs changed although nothing was wrong
(for the clean set). Lossy types are measured by `eval_driver check`: the
share of affected lines with a finding.

With --source-file, the paragraphs (one a line, ten characters or more)
come from FILE instead, and the clean set is those same paragraphs: text
from outside the sources the character model was made from, e.g.
TypeScript's Chinese messages (package typescript on npm,
lib/zh-cn/diagnosticMessages.generated.json, one value a line).

Documents: the losses Python's gbk and GB18030 decoders cause are also
measured in one document, the whole clean set in its order with every
second paragraph corrupted (types doc:NAME; the even ones, then the odd
ones), the way a scraped page mixes broken and intact text: a repair that
reads evidence from its block (which decoder made it) meets clean lines
there, private-use characters and all. Exact recovery counts the
corrupted paragraphs, changed the intact ones.

--show TYPE prints the first five paragraphs of TYPE that did not come
back (original, corrupted, zhfix's output); ZHFIX_EVAL_SHOW=N in the
environment prints N instead.

With --ftfy SRC_DIR (a checkout of rspeer/python-ftfy; Debian's
python3-wcwidth is its only dependency) the same corrupted paragraphs also
go through ftfy's fix_text, with its non-encoding fixes turned off (quotes,
width, ligatures, normalization, HTML), and its columns are printed beside
zhfix's.

Standard library only.
"""
import argparse
import codecs
import glob
import gzip
import os
import random
import re
import subprocess
import sys

# ---- Clean prose ---------------------------------------------------------

HAN = re.compile(r'[\u4e00-\u9fff]')


def roff_text(src):
    """Text lines of a man page, roff requests and escapes removed."""
    out = []
    for line in src.splitlines():
        if line.startswith(('.', "'")):
            if line.startswith(('.SH', '.SS', '.TP', '.PP', '.IP', '.P', '.LP', '.sp', '.br')):
                out.append('')
            continue
        line = re.sub(r'\\f(\[[^]]*\]|\(..|.)', '', line)
        line = re.sub(r'\\\((..)', '', line)
        line = re.sub(r'\\[*n]\(?..?', '', line)
        line = line.replace('\\-', '-').replace('\\e', '\\').replace('\\&', '')
        line = line.replace('\\ ', ' ').replace('\\|', '').replace('\\^', '')
        line = re.sub(r'\\.', '', line)
        out.append(line.strip())
    return out


def paragraphs(lines):
    """Join consecutive non-empty lines (without a space between Chinese
    lines, as the line breaks of Chinese text are not spaces)."""
    cur = []
    for line in lines + ['']:
        if line.strip():
            cur.append(line.strip())
            continue
        if cur:
            p = cur[0]
            for x in cur[1:]:
                p += ('' if HAN.match(x[:1]) or HAN.match(p[-1:]) else ' ') + x
            yield p
            cur = []


def clean_paragraphs():
    paras = []
    # Pages of the documentation the character model is built from
    # (dicts/gen_charmodel.py) are not evaluation text: debian-reference-
    # common installs the Debian Reference's own man page.
    skip = set()
    for pkg in ('debian-reference-common',):
        try:
            skip |= set(subprocess.run(['dpkg-query', '-L', pkg],
                                       capture_output=True, text=True,
                                       check=True).stdout.split('\n'))
        except (OSError, subprocess.CalledProcessError):
            pass
    for path in sorted(glob.glob('/usr/share/man/zh_*/man*/*.gz')):
        if path in skip:
            continue
        try:
            src = gzip.open(path).read().decode('utf-8')
        except (UnicodeDecodeError, OSError, EOFError):
            continue
        paras.extend(paragraphs(roff_text(src)))
    for path in sorted(glob.glob('/usr/share/games/fortunes/*.u8')):
        src = open(path, encoding='utf-8', errors='replace').read()
        src = re.sub(r'\x1b\[[0-9;]*m', '', src)
        for entry in src.split('\n%\n'):
            paras.extend(paragraphs(entry.splitlines()))
    seen = set()
    out = []
    for p in paras:
        if len(HAN.findall(p)) < 8 or p in seen or '\ufffd' in p:
            continue
        if any(ord(c) < 32 and c != '\t' for c in p):
            continue
        seen.add(p)
        out.append(p)
    return out


# ---- Corruption generators -----------------------------------------------

def sloppy(errors):
    """Undefined single bytes decode to the C1 control of the same value."""
    b = errors.object[errors.start]
    return chr(b), errors.start + 1


codecs.register_error('sloppy', sloppy)


def as_cp(text, cp, enc='utf-8'):
    return text.encode(enc).decode(cp, 'sloppy')


def utf8_gbk_odd_lost(text):
    """UTF-8 read as GBK (CP936 maps the user-defined area to private
    use, like gb18030); the odd byte at the end of a run is unreadable and
    becomes '?'."""
    return text.encode('utf-8').decode('gb18030', 'replace').replace('\ufffd', '?')


def utf8_gbk_replace(text):
    """Python's gbk: user-defined area and odd bytes become U+FFFD."""
    return text.encode('utf-8').decode('gbk', 'replace')


def utf8_gb18030(text):
    """GB18030 with replacement: user-defined pairs become private-use
    characters (kept), a byte it cannot pair U+FFFD."""
    return text.encode('utf-8').decode('gb18030', 'replace')


def utf8_gbk_pua_stripped(text):
    t = text.encode('utf-8').decode('gb18030', 'replace')
    return ''.join(c for c in t if not 0xE000 <= ord(c) <= 0xF8FF)


def utf8_big5(text):
    return text.encode('utf-8').decode('cp950', 'replace')


def big5_whatwg(data):
    """Big5 decoded as the WHATWG Encoding Standard does it (browsers), with
    Python's cp950 for the pairs: a lead byte followed by a byte that makes
    no pair is one U+FFFD together with that byte when it is >= 0x80 (the
    count of lost bytes is lost too), and U+FFFD plus the byte read again
    when it is ASCII. Bytes 0x80 and 0xFF are U+FFFD."""
    out = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
        elif b == 0x80 or b == 0xFF:
            out.append('\ufffd')
            i += 1
        elif i + 1 == n:
            out.append('\ufffd')
            i += 1
        else:
            t = data[i + 1]
            try:
                c = data[i:i + 2].decode('cp950')
            except UnicodeDecodeError:
                c = ''
            if len(c) == 1:
                out.append(c)
                i += 2
            elif t < 0x80:
                out.append('\ufffd')
                i += 1
            else:
                out.append('\ufffd')
                i += 2
    return ''.join(out)


def gbk_cp1252(text):
    return text.encode('gbk').decode('cp1252', 'sloppy')


def gbk_big5(text):
    """GBK bytes read as Big5 (Windows' cp950), where every pair is kept:
    text GBK holds but Big5 cannot read is a lossy case, left out."""
    try:
        return text.encode('gbk').decode('cp950')
    except UnicodeError:
        return None


def big5_gbk(text):
    """Big5 bytes (of Traditional text) read as GBK (gb18030: the
    user-defined area read as private use, as Windows' CP936 does)."""
    try:
        return text.encode('cp950').decode('gb18030')
    except UnicodeError:
        return None


def double_cp1252(text):
    return as_cp(as_cp(text, 'cp1252'), 'cp1252')


def c1_stripped(text, cp):
    """UTF-8 read as a code page whose bytes 80-9F are C1 controls
    (Latin-1, ISO 8859-2), and the controls then stripped (a filter of
    control characters): every continuation byte below A0 is lost."""
    return ''.join(c for c in text.encode().decode(cp)
                   if not 0x80 <= ord(c) <= 0x9F)


def gbk_then_cp1252(text, errors):
    """Two layers: UTF-8 read as GBK (a byte it cannot pair lost to
    U+FFFD), saved as UTF-8 and read again as Windows-1252, whose five
    undefined bytes decode as C1 controls ('sloppy') or are lost to U+FFFD
    ('replace')."""
    t = text.encode().decode('gb18030', 'replace')
    return t.encode().decode('cp1252', errors)


def partial(fn):
    def f(text, rng):
        # Corrupt one stretch of the paragraph, keep the rest.
        n = len(text)
        a = rng.randrange(0, max(1, n // 2))
        b = min(n, a + rng.randrange(4, 30))
        return text[:a] + fn(text[a:b]) + text[b:]
    return f


def lossy_fffd(text, rng):
    t = list(text)
    k = rng.randrange(len(t))
    while k < len(t) and not HAN.match(t[k]):
        k += 1
    if k >= len(t):
        return None
    t[k] = '\ufffd'
    return ''.join(t)


def lossy_kunjinkao(text, rng):
    """GBK bytes read as UTF-8 with replacement, written as UTF-8, read
    as GBK again: 锟斤拷."""
    t = text.encode('gbk').decode('utf-8', 'replace')
    return t.encode('utf-8').decode('gbk', 'replace')


def lossy_question(text, rng):
    """An encoder without the characters: Traditional-only characters
    written as GB2312 become '?'."""
    t = text.encode('gb2312', 'replace').decode('gb2312')
    return t if t != text else None


EXACT = [
    ('utf8-as-cp1252', lambda t, r: as_cp(t, 'cp1252')),
    ('utf8-as-latin1', lambda t, r: as_cp(t, 'latin-1')),
    ('utf8-as-macroman', lambda t, r: as_cp(t, 'mac_roman')),
    ('utf8-as-cp1251', lambda t, r: as_cp(t, 'cp1251')),
    ('utf8-as-cp437', lambda t, r: as_cp(t, 'cp437')),
    ('gbk-as-cp1252', lambda t, r: gbk_cp1252(t)),
    ('utf8-as-cp1252-twice', lambda t, r: double_cp1252(t)),
    ('utf8-as-macroman-twice',
     lambda t, r: as_cp(as_cp(t, 'mac_roman'), 'mac_roman')),
    ('utf8-as-cp437-twice', lambda t, r: as_cp(as_cp(t, 'cp437'), 'cp437')),
    ('utf8-as-gbk-pua-kept', lambda t, r: t.encode().decode('gb18030', 'strict')),
    ('gbk-as-big5', lambda t, r: gbk_big5(t)),
    ('big5-as-gbk', lambda t, r: big5_gbk(t)),
    ('partial-utf8-as-cp1252', partial(lambda t: as_cp(t, 'cp1252'))),
]
LOSSY = [
    ('utf8-as-cp1252-nbsp-space', lambda t, r: as_cp(t, 'cp1252').replace('\xa0', ' ')),
    ('utf8-as-cp1252-c1-dropped', lambda t, r: t.encode().decode('cp1252', 'ignore')),
    ('utf8-as-cp1252-c1-replaced', lambda t, r: t.encode().decode('cp1252', 'replace')),
    ('utf8-as-gbk-then-cp1252', lambda t, r: gbk_then_cp1252(t, 'sloppy')),
    ('utf8-as-gbk-then-cp1252-c1-replaced',
     lambda t, r: gbk_then_cp1252(t, 'replace')),
    ('utf8-as-gbk-twice', lambda t, r: utf8_gbk_pua_stripped(
        utf8_gbk_pua_stripped(t))),
    ('utf8-as-gb18030-twice', lambda t, r: utf8_gb18030(utf8_gb18030(t))),
    ('utf8-as-cp1252-then-gbk',
     lambda t, r: utf8_gbk_pua_stripped(as_cp(t, 'cp1252'))),
    ('utf8-as-gbk-odd-byte-?', lambda t, r: utf8_gbk_odd_lost(t)),
    ('utf8-as-gbk-replace', lambda t, r: utf8_gbk_replace(t)),
    ('utf8-as-gbk-pua-stripped', lambda t, r: utf8_gbk_pua_stripped(t)),
    ('utf8-as-big5', lambda t, r: utf8_big5(t)),
    ('utf8-as-big5-whatwg', lambda t, r: big5_whatwg(t.encode('utf-8'))),
    ('partial-utf8-as-gbk', partial(utf8_gbk_odd_lost)),
    ('utf8-as-latin1-c1-dropped', lambda t, r: c1_stripped(t, 'latin-1')),
    ('utf8-as-iso8859-2-c1-dropped', lambda t, r: c1_stripped(t, 'iso8859-2')),
]
MARKS = [
    ('mark-fffd', lossy_fffd),
    ('mark-kunjinkao', lossy_kunjinkao),
    ('mark-question', lossy_question),
]

# ---- Measuring -------------------------------------------------------------


def edit_distance(a, b):
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def run_driver(build, mode, lines):
    exe = os.path.join(build, 'tests', 'eval_driver')
    data = '\n'.join(lines) + '\n'
    p = subprocess.run([exe, mode, 'encoding'], input=data.encode('utf-8'),
                       capture_output=True, check=True)
    return p.stdout.decode('utf-8')


FTFY = None


def run_ftfy(lines):
    cfg = FTFY.TextFixerConfig(uncurl_quotes=False, fix_character_width=False,
                               fix_latin_ligatures=False, normalization=None,
                               unescape_html=False)
    return [FTFY.fix_text(x, cfg) for x in lines]


def score(pairs, out):
    exact = errs = chars = 0
    for (orig, _), got in zip(pairs, out):
        chars += len(orig)
        if got == orig:
            exact += 1
        else:
            errs += edit_distance(orig, got)
    return 100.0 * exact / len(pairs), 100.0 * errs / chars


def corrupt(gen, paras, rng):
    """(paragraph, corrupted) for each paragraph that gen turns into one
    line other than itself (a paragraph its codecs cannot write is left
    out). gen draws from rng for every paragraph, in order."""
    pairs = []
    for p in paras:
        try:
            c = gen(p, rng)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if c is None or c == p or '\n' in c or '\r' in c:
            continue
        pairs.append((p, c))
    return pairs


def measure(build, name, gen, paras, rng, show):
    pairs = corrupt(gen, paras, rng)
    if not pairs:
        return None
    out = run_driver(build, 'fix', [c for _, c in pairs]).split('\n')[:-1]
    exact = errs_before = errs_after = chars = 0
    shown = 0
    for (orig, corr), got in zip(pairs, out):
        chars += len(orig)
        errs_before += edit_distance(orig, corr)
        if got == orig:
            exact += 1
        else:
            errs_after += edit_distance(orig, got)
            if show and shown < int(os.environ.get("ZHFIX_EVAL_SHOW", "5")):
                shown += 1
                print('  [%s]\n   orig: %s\n   corr: %s\n   got:  %s' %
                      (name, orig[:100], corr[:100], got[:100]))
    n = len(pairs)
    r = (n, 100.0 * exact / n, 100.0 * errs_before / chars, 100.0 * errs_after / chars)
    if FTFY:
        r += score(pairs, run_ftfy([c for _, c in pairs]))
    return r


# The losses measured in documents (see the docstring).
DOCUMENT_TYPES = ('utf8-as-gbk-odd-byte-?', 'utf8-as-gbk-replace',
                  'utf8-as-gbk-pua-stripped')


def measure_document(build, gen, paras, rng):
    """The paragraphs as one document, every second one corrupted by gen,
    twice: the even ones, then the odd ones (so each paragraph is once
    corrupted and once intact beside corrupted ones). Returns (corrupted,
    exact%, intact, changed). No CER: the edit distances of forty thousand
    paragraphs take minutes in Python."""
    nbad = exact = intact = changed = 0
    for parity in (0, 1):
        lines, bad = [], set()
        for i, p in enumerate(paras):
            c = None
            if i % 2 == parity:
                try:
                    c = gen(p, rng)
                except (UnicodeEncodeError, UnicodeDecodeError):
                    c = None
                if c == p or (c is not None and ('\n' in c or '\r' in c)):
                    c = None
            lines.append(p if c is None else c)
            if c is not None:
                bad.add(i)
        out = run_driver(build, 'fix', lines).split('\n')[:-1]
        nbad += len(bad)
        exact += sum(1 for i in bad if out[i] == paras[i])
        intact += len(paras) - len(bad)
        changed += sum(1 for i, p in enumerate(paras)
                       if i not in bad and out[i] != p)
    return nbad, 100.0 * exact / max(1, nbad), intact, changed


def measure_marks(build, name, gen, paras, rng):
    lines = [c for _, c in corrupt(gen, paras, rng)]
    if not lines:
        return None
    flagged = set()
    for row in run_driver(build, 'check', lines).splitlines():
        flagged.add(int(row.split()[0]))
    return len(lines), 100.0 * len(flagged) / len(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('build')
    ap.add_argument('--limit', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=4)
    ap.add_argument('--show', default='')
    ap.add_argument('--ftfy', default='')
    ap.add_argument('--source-file', metavar='FILE',
                    help='paragraphs to corrupt instead of the Debian prose, '
                    'one a line (UTF-8): text the character model was not '
                    'made from')
    ap.add_argument('--types', default='',
                    help='comma-separated types to run (clean for the clean '
                         'set); all when empty')
    args = ap.parse_args()
    global FTFY
    if args.ftfy:
        sys.path.insert(0, args.ftfy)
        import ftfy
        FTFY = ftfy
    rng = random.Random(args.seed)
    if args.source_file:
        with open(args.source_file, encoding='utf-8') as f:
            paras = [l for l in f.read().split('\n') if len(l.strip()) >= 10]
        origin = args.source_file
    else:
        paras = clean_paragraphs()
        origin = 'manpages-zh, fortunes-zh'
    sample = rng.sample(paras, min(args.limit, len(paras)))
    print('clean paragraphs: %d (%s); sample %d' % (len(paras), origin, len(sample)))

    want = set(t for t in args.types.split(',') if t)
    head = '\n%-28s %6s %8s %10s %10s' % ('type', 'n', 'exact%', 'CER before', 'CER after')
    if FTFY:
        head += ' | %11s %10s' % ('ftfy exact%', 'ftfy CER')
    print(head)
    document = paras
    if want and 'clean' not in want:
        paras = []
    out = run_driver(args.build, 'fix', paras).split('\n')[:-1] if paras else []
    changed = sum(1 for a, b in zip(paras, out) if a != b)
    line = '%-28s %6d %8s %10s %10s   changed: %d (%.2f%%)' % (
        'clean', len(paras), '-', '-', '-', changed, 100.0 * changed / max(1, len(paras)))
    if FTFY and paras:
        fo = run_ftfy(paras)
        fc = sum(1 for a, b in zip(paras, fo) if a != b)
        line += ' | ftfy changed: %d (%.2f%%)' % (fc, 100.0 * fc / len(paras))
    if paras:
        print(line)
    if changed and args.show:
        for a, b in zip(paras, out):
            if a != b:
                print('  CLEAN CHANGED\n   in:  %s\n   out: %s' % (a[:120], b[:120]))
    for name, gen in EXACT + LOSSY:
        if want and name not in want:
            continue
        r = measure(args.build, name, gen, sample, rng, args.show in (name, 'all'))
        if r and FTFY:
            print('%-28s %6d %8.2f %9.2f%% %9.2f%% | %11.2f %9.2f%%' % ((name,) + r))
        elif r:
            print('%-28s %6d %8.2f %9.2f%% %9.2f%%' % ((name,) + r))
    print('\n%-28s %6s %10s' % ('lossy mark', 'lines', 'flagged%'))
    for name, gen in MARKS:
        if want and name not in want:
            continue
        r = measure_marks(args.build, name, gen, sample, rng)
        if r:
            print('%-28s %6d %9.2f%%' % ((name,) + r))
    gens = dict(EXACT + LOSSY)
    docs = [t for t in DOCUMENT_TYPES if not want or 'doc:' + t in want]
    if docs:
        print('\n%-28s %6s %8s' % ('in one document', 'n', 'exact%'))
    for name in docs:
        r = measure_document(args.build, gens[name], document,
                             random.Random(args.seed))
        print('%-28s %6d %8.2f   intact: %d, changed: %d'
              % (('doc:' + name,) + r))
    return 0


if __name__ == '__main__':
    sys.exit(main())
