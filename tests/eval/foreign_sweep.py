#!/usr/bin/env python3
"""What `zhfix check` finds in clean text that has no Chinese.

usage: python3 tests/eval/foreign_sweep.py ZHFIX [ZHFIX ...] [--work DIR]
                                           [--show N]

Builds, from files Debian installs, one text per group and language:
  ja        the Japanese manual pages (manpages-ja)
  man       the manual pages of other languages (manpages-fr, -de, -es,
            -fi, -sv, -uk, -vi, ... whichever are installed)
  mo        the translations (msgstr) of every .mo in /usr/share/locale
            but Chinese, one file per language
  en        the English manual pages (man1-man8)
  py        up to 3,000 of Python's library sources (.py, under 200 KB)
  include   the C headers in /usr/include
and runs `check --format json` of each zhfix given over all of them,
printing the findings by group and, for the first binary, by rule. None of
this text has a defect zhfix repairs on purpose, so every finding is
either real breakage in Debian's files (mojibake in some translations) or
a false alarm; --show N prints up to N findings of each rule with their
line, to tell which. Missing packages leave their group empty (install
them with apt-get: manpages-ja manpages-fr manpages-de ...).
"""

import argparse
import collections
import glob
import gettext
import gzip
import json
import os
import subprocess

GROUPS = ('ja', 'man', 'mo', 'en', 'py', 'include')


def read_man(paths):
    out = []
    for p in sorted(paths):
        try:
            with (gzip.open(p) if p.endswith('.gz') else open(p, 'rb')) as f:
                out.append(f.read().decode('utf-8', 'replace'))
        except OSError:
            continue
    return ''.join(out)


def build(work):
    """Write the texts under work; return {group: [paths]}."""
    os.makedirs(work, exist_ok=True)
    files = collections.defaultdict(list)

    def put(group, name, text):
        if not text:
            return
        path = os.path.join(work, '%s-%s.txt' % (group, name))
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        files[group].append(path)

    for d in sorted(glob.glob('/usr/share/man/*/')):
        lang = os.path.basename(d.rstrip('/'))
        if lang.startswith('man') or lang.startswith('zh'):
            continue
        text = read_man(glob.glob(os.path.join(d, 'man*', '*')))
        put('ja' if lang == 'ja' else 'man', lang, text)
    put('en', 'man', read_man(glob.glob('/usr/share/man/man[1-8]/*')))

    by_lang = collections.defaultdict(list)
    for path in sorted(glob.glob('/usr/share/locale/*/LC_MESSAGES/*.mo')):
        lang = path.split('/')[4].split('_')[0].split('@')[0]
        if lang == 'zh':
            continue
        try:
            with open(path, 'rb') as f:
                catalog = gettext.GNUTranslations(f)._catalog
        except Exception:  # a catalogue Python cannot read: skip it
            continue
        by_lang[lang].extend(v for v in catalog.values()
                             if isinstance(v, str) and v)
    for lang, strings in sorted(by_lang.items()):
        put('mo', lang, '\n\n'.join(strings) + '\n')

    py = sorted(p for p in glob.glob('/usr/lib/python3*/**/*.py', recursive=True)
                if os.path.getsize(p) < 200_000)[:3000]
    put('py', 'lib', ''.join(open(p, encoding='utf-8', errors='replace').read()
                             for p in py))
    headers = sorted(glob.glob('/usr/include/**/*.h', recursive=True))
    put('include', 'h', ''.join(open(p, encoding='utf-8', errors='replace').read()
                                for p in headers))
    return files


def findings(zhfix, paths):
    if not paths:
        return []
    p = subprocess.run([zhfix, 'check', '--format', 'json', *paths],
                       capture_output=True)
    return [json.loads(line) for line in p.stdout.decode('utf-8').splitlines()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('zhfix', nargs='+')
    ap.add_argument('--work', default='/tmp/zhfix-foreign')
    ap.add_argument('--show', type=int, default=0)
    args = ap.parse_args()
    files = build(args.work)
    sizes = {g: sum(os.path.getsize(p) for p in files[g]) for g in GROUPS}
    print('%-8s %9s' % ('group', 'MB') +
          ''.join(' %12s' % os.path.basename(os.path.dirname(os.path.abspath(z)))
                  for z in args.zhfix))
    first = {}
    for g in GROUPS:
        row = '%-8s %9.1f' % (g, sizes[g] / 1e6)
        for k, z in enumerate(args.zhfix):
            found = findings(z, files[g])
            if k == 0:
                first[g] = found
            row += ' %12d' % len(found)
        print(row)
    print('\nby rule (%s):' % args.zhfix[0])
    rules = collections.Counter((f['rule'], f['fixable'])
                                for g in GROUPS for f in first[g])
    for (rule, fixable), n in rules.most_common():
        print('  %-20s %-10s %6d' % (rule, 'fixed' if fixable else 'reported', n))
    if args.show:
        shown = collections.Counter()
        lines = {}
        for g in GROUPS:
            for f in first[g]:
                if shown[f['rule']] >= args.show:
                    continue
                shown[f['rule']] += 1
                if f['file'] not in lines:
                    with open(f['file'], encoding='utf-8', errors='replace') as fh:
                        lines[f['file']] = fh.read().split('\n')
                line = lines[f['file']][f['line'] - 1]
                col = f['column']
                print('%s:%d: %s %r -> %r | %r' % (
                    os.path.basename(f['file']), f['line'], f['rule'], f['text'],
                    f.get('replacement'), line[max(0, col - 40):col + 30]))


if __name__ == '__main__':
    main()
