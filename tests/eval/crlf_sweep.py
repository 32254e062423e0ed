#!/usr/bin/env python3
"""Mojibake written as CRLF lines must come back as it does as LF lines.

usage: python3 tests/eval/crlf_sweep.py ZHFIX [ZHFIX ...] [--limit N]
                                         [--seed S] [--show N] [--require]

Takes a sample of mojibake_eval.py's clean paragraphs (its --limit and
--seed) and corrupts them with each of its generators (the reversible and
the lossy types). Each type's paragraphs go through `zhfix fix` twice, as
one file of LF lines and as one of CRLF lines (Windows files, and what a
GBK-era system wrote). The table gives, for every zhfix given, the lines
whose repair differs once the CRs are taken out: none should, since a CR
is no text. --show N prints up to N such lines per type of the first
zhfix; --require exits 1 unless every count is 0.
"""

import argparse
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mojibake_eval  # noqa: E402


def fix(zhfix, text):
    r = subprocess.run([zhfix, 'fix'], input=text.encode('utf-8'),
                       capture_output=True, check=False)
    return r.stdout.decode('utf-8', errors='replace')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('zhfix', nargs='+')
    ap.add_argument('--limit', type=int, default=300)
    ap.add_argument('--seed', type=int, default=4)
    ap.add_argument('--show', type=int, default=0)
    ap.add_argument('--require', action='store_true')
    args = ap.parse_args()
    rng = random.Random(args.seed)
    paras = mojibake_eval.clean_paragraphs()
    sample = rng.sample(paras, min(args.limit, len(paras)))
    names = [os.path.basename(os.path.dirname(os.path.abspath(z))) or z
             for z in args.zhfix]
    print('%-38s %5s' % ('type', 'lines') +
          ''.join(' %14s' % n[:14] for n in names))
    bad = 0
    for name, gen in mojibake_eval.EXACT + mojibake_eval.LOSSY:
        lines = [c for _, c in mojibake_eval.corrupt(gen, sample, rng)]
        if not lines:
            continue
        lf = '\n'.join(lines) + '\n'
        crlf = '\r\n'.join(lines) + '\r\n'
        row = '%-38s %5d' % (name, len(lines))
        for k, z in enumerate(args.zhfix):
            a = fix(z, lf).split('\n')
            b = fix(z, crlf).replace('\r\n', '\n').split('\n')
            differ = [(x, y) for x, y in zip(a, b) if x != y]
            differ += [('', '')] * abs(len(a) - len(b))
            bad += len(differ)
            row += ' %14d' % len(differ)
            if k == 0:
                for x, y in differ[:args.show]:
                    print('  LF:   %r\n  CRLF: %r' % (x[:120], y[:120]))
        print(row)
    if args.require and bad:
        sys.exit(1)


if __name__ == '__main__':
    main()
