#!/usr/bin/env python3
"""How much of UTF-8 Chinese survives being read as Big5 (CP950).

usage: python3 tests/eval/big5_loss.py [--limit N] [--seed S]

Takes the same sample of clean paragraphs as mojibake_eval.py (same
--limit and --seed) and reads their UTF-8 as CP950 the way Python's
decoder does with errors='replace': a byte pair that CP950 maps is kept,
any other non-ASCII byte becomes one U+FFFD on its own. For every Han
character of three UTF-8 bytes it counts how many of its bytes were lost,
and for the characters that lost any, how many characters of zhfix's
character model (dicts/charfreq.tsv) agree with the bytes that are left.

This is the ceiling on the "UTF-8 read as Big5" row: a character that
lost all three bytes can only be guessed from its neighbours, which may
themselves be guesses. No repair is run; the numbers are properties of
the corruption.
"""

import argparse
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mojibake_eval  # noqa: E402

CHARFREQ = os.path.join(HERE, '..', '..', 'dicts', 'charfreq.tsv')


def kept_bytes(data):
    """For each byte of data, whether CP950 with errors='replace' keeps it
    (inside a pair it maps, or ASCII)."""
    kept = [True] * len(data)
    i = 0
    while i < len(data):
        if data[i] < 0x80:
            i += 1
            continue
        if i + 1 < len(data):
            try:
                data[i:i + 2].decode('cp950')
                i += 2
                continue
            except UnicodeDecodeError:
                pass
        kept[i] = False
        i += 1
    return kept


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--limit', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=4)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    paras = mojibake_eval.clean_paragraphs()
    sample = rng.sample(paras, min(args.limit, len(paras)))
    with open(CHARFREQ, encoding='utf-8') as f:
        model = [line.split('\t')[0].encode() for line in f
                 if not line.startswith('#')]
    model = [c for c in model if len(c) == 3]
    # Characters of the model by the bytes a loss pattern leaves: for each
    # pattern (which of the three bytes are kept), a count per kept bytes.
    agree = {}
    for kept_mask in range(8):
        counts = {}
        for c in model:
            key = tuple(c[j] if kept_mask >> j & 1 else None for j in range(3))
            counts[key] = counts.get(key, 0) + 1
        agree[kept_mask] = counts

    lost_hist = [0, 0, 0, 0]
    agreeing = []
    for para in sample:
        data = para.encode('utf-8')
        kept = kept_bytes(data)
        pos = 0
        for ch in para:
            enc = ch.encode('utf-8')
            if len(enc) == 3 and '\u3400' <= ch <= '\u9fff':
                k = kept[pos:pos + 3]
                lost = k.count(False)
                lost_hist[lost] += 1
                if lost:
                    mask = sum(1 << j for j in range(3) if k[j])
                    key = tuple(enc[j] if k[j] else None for j in range(3))
                    agreeing.append(agree[mask].get(key, 0))
            pos += len(enc)
    total = sum(lost_hist)
    print('paragraphs %d, Han characters %d' % (len(sample), total))
    for n, count in enumerate(lost_hist):
        print('  %d of 3 bytes lost: %6d (%.1f%%)' % (n, count,
                                                     100.0 * count / total))
    agreeing.sort()
    if agreeing:
        q = lambda f: agreeing[int(f * (len(agreeing) - 1))]
        print('characters of the model (%d) agreeing with what is left of '
              'a character that lost bytes: median %d, quartiles %d / %d'
              % (len(model), q(0.5), q(0.25), q(0.75)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
