#!/usr/bin/env python3
"""Clean Chinese prose written the ways people write it on the web, which
zhfix's repairs must leave alone.

usage: python3 tests/eval/lookalike_sweep.py ZHFIX [ZHFIX ...] [--limit N]
                                             [--seed S] [--show N]
                                             [--require]

The prose is that of mojibake_eval.py (Debian's manpages-zh, zh_CN and
zh_TW, and fortunes-zh). Each variant below rewrites every paragraph in one
way that is still clean text, only less careful than the original:

  ascii-marks       ，。？！：；（） written as , . ? ! : ; ( )
  ascii-commas      the same, but 。 kept (ASCII inside sentences)
  interrobang       each 。？！ as "?!", "??", "!!", "!?", "???" or "~~"
  question-after    "?" or "? " after some Han characters (4%); not "?!",
                    which inside a sentence, in a text with ASCII commas,
                    is what the scraper's fold leaves (gbk-out-of-step)
  spaces-for-marks  the marks as spaces
  symbols-inserted  Latin letters with accents, Greek, Cyrillic, emoji,
                    fullwidth forms, kana, symbols after some Han
                    characters (3%), with or without spaces around
  hard-wrapped      lines broken every 15-40 characters

Each variant goes through `fix --select encoding,artifact` of every zhfix
given, and the table reports the lines changed (none should be: these
rules undo encoding accidents and scraping leftovers, and a variant has
neither) and the seconds taken. Punctuation is left out: turning an ASCII
mark after a Han character into its fullwidth form is what halfwidth-punct
is for. --show N prints up to N changed lines per variant of the first
zhfix; --require exits 1 if any line changed. Standard library only.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mojibake_eval  # noqa: E402  (its clean_paragraphs)

MARKS = {'，': ',', '。': '.', '？': '?', '！': '!', '：': ':', '；': ';',
         '（': '(', '）': ')'}
TOKENS = ['Müller', 'Café', 'naïve', 'Ærø', 'Straße', 'façade', 'α', 'β',
          'Ω', 'π≈3.14', 'Москва', 'ДНК', '\U0001F600', '\U0001F44D\U0001F3FB',
          'ＡＢＣ', '１２３', '™', '©', '°C', '±', '×', '€', '£', '§', '•',
          '…', '—', '‘', '’', '«', '»', '¿', 'ä', 'ö', 'é', 'à', 'ç', 'ñ',
          'ß', 'ø', 'ǎ', 'ə', '「', '」', '※', '★', '○', '→', '々', 'ー',
          'の', 'ア']


def is_han(c):
    return '\u4e00' <= c <= '\u9fff'


def after_han(text, rng, share, pick):
    out = []
    for c in text:
        out.append(c)
        if is_han(c) and rng.random() < share:
            out.append(pick())
    return ''.join(out)


def variants(rng):
    marks = str.maketrans(MARKS)
    commas = str.maketrans({k: v for k, v in MARKS.items() if k != '。'})
    spaces = str.maketrans({k: ' ' for k in list(MARKS) + ['、']})
    ends = ['?!', '??', '!!', '!?', '???', '~~']

    def interrobang(t):
        return ''.join(rng.choice(ends) if c in '。？！' else c for c in t)

    def symbol():
        t = rng.choice(TOKENS)
        return t if rng.random() < 0.6 else ' ' + t + ' '

    def wrap(t):
        lines = []
        while len(t) > 40:
            k = rng.randint(15, 40)
            lines.append(t[:k])
            t = t[k:]
        lines.append(t)
        return lines

    return [
        ('ascii-marks', lambda t: [t.translate(marks)]),
        ('ascii-commas', lambda t: [t.translate(commas)]),
        ('interrobang', lambda t: [interrobang(t)]),
        ('question-after', lambda t: [after_han(
            t, rng, 0.04, lambda: rng.choice(['?', '? ']))]),
        ('spaces-for-marks', lambda t: [t.translate(spaces)]),
        ('symbols-inserted', lambda t: [after_han(t, rng, 0.03, symbol)]),
        ('hard-wrapped', wrap),
    ]


def run_fix(zhfix, path):
    start = time.monotonic()
    p = subprocess.run([zhfix, 'fix', '--select', 'encoding,artifact', path],
                       capture_output=True, check=False)
    took = time.monotonic() - start
    if p.returncode not in (0, 1):
        sys.exit('%s fix %s: exit %d: %s' % (zhfix, path, p.returncode,
                                             p.stderr.decode('utf-8', 'replace')))
    return p.stdout.decode('utf-8', 'replace'), took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('zhfix', nargs='+')
    ap.add_argument('--limit', type=int, default=0,
                    help='paragraphs to use (all when 0)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--show', type=int, default=0)
    ap.add_argument('--require', action='store_true')
    args = ap.parse_args()
    paras = mojibake_eval.clean_paragraphs()
    if not paras:
        sys.exit('no clean prose: install manpages-zh and fortunes-zh')
    rng = random.Random(args.seed)
    if args.limit and args.limit < len(paras):
        paras = rng.sample(paras, args.limit)
    names = [os.path.basename(os.path.dirname(os.path.abspath(z))) or z
             for z in args.zhfix]
    print('clean paragraphs: %d; fix --select encoding,artifact' % len(paras))
    print('%-18s %7s %9s' % ('variant', 'lines', 'MB') +
          ''.join(' | %14s %7s' % (n[:14], 's') for n in names))
    changed_any = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in variants(rng):
            lines = [line for p in paras for line in make(p)]
            text = '\n'.join(lines) + '\n'
            path = os.path.join(tmp, name + '.txt')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            row = '%-18s %7d %9.2f' % (name, len(lines),
                                        len(text.encode('utf-8')) / 1e6)
            shown = []
            for k, z in enumerate(args.zhfix):
                out, took = run_fix(z, path)
                got = out.split('\n')
                bad = [(a, b) for a, b in zip(lines, got) if a != b]
                changed_any += len(bad)
                row += ' | %14d %7.2f' % (len(bad), took)
                if k == 0:
                    shown = bad[:args.show]
            print(row)
            for a, b in shown:
                print('    in:  %s\n    out: %s' % (a[:150], b[:150]))
    if args.require and changed_any:
        print('FAIL: %d changed lines' % changed_any)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
