#!/usr/bin/env python3
"""Real Chinese prose from Debian packages, as plain UTF-8 text.

Usage: prose.py {simplified|traditional|fortunes|all} [MIN_BYTES]

Sources: manpages-zh (/usr/share/man/zh_CN: Simplified, zh_TW: Traditional),
roff markup stripped, one paragraph per line; fortunes-zh
(/usr/share/games/fortunes/*.u8), one fortune per paragraph. The text is
repeated until it reaches MIN_BYTES (default: once). Output is
deterministic (files in sorted order).
"""
import glob, gzip, os, re, subprocess, sys

FONT = re.compile(r'\\f(\[[^\]]*\]|\(..|.)')
SPECIAL = re.compile(r'\\\((..)|\\\[([^\]]*)\]')
SPECIALS = {'em': '—', 'en': '–', 'lq': '“', 'rq': '”', 'oq': '‘', 'cq': '’',
            'bu': '•', 'co': '©', 'mi': '-', 'aq': "'", 'dq': '"'}
HAN = re.compile(r'[\u4e00-\u9fff]')


def roff_to_text(src):
    paras, cur = [], []
    for line in src.splitlines():
        if line.startswith(('.', "'")):
            if re.match(r"^[.'](PP|P|LP|TP|IP|SH|SS|HP|sp|br)\b", line) and cur:
                paras.append(' '.join(cur)); cur = []
            continue
        line = FONT.sub('', line)
        line = SPECIAL.sub(lambda m: SPECIALS.get(m.group(1) or m.group(2), ''), line)
        line = line.replace('\\-', '-').replace('\\&', '').replace('\\e', '\\')
        line = line.replace('\\ ', ' ').replace('\\|', '').replace('\\^', '').replace('\\,', '').replace('\\/', '')
        line = line.strip()
        if line:
            cur.append(line)
    if cur:
        paras.append(' '.join(cur))
    return [p for p in paras if HAN.search(p)]


def model_pages():
    """Man pages of the documentation zhfix's character model is built from
    (dicts/gen_charmodel.py; debian-reference-common installs one): not
    manpages-zh, and they would change the corpus."""
    try:
        return set(subprocess.run(['dpkg-query', '-L', 'debian-reference-common'],
                                  capture_output=True, text=True,
                                  check=True).stdout.split('\n'))
    except (OSError, subprocess.CalledProcessError):
        return set()


def man_paragraphs(lang):
    out = []
    skip = model_pages()
    for path in sorted(glob.glob('/usr/share/man/%s/man*/*.gz' % lang)):
        if path in skip:
            continue
        try:
            src = gzip.open(path).read().decode('utf-8')
        except (UnicodeDecodeError, OSError):
            continue
        out.extend(roff_to_text(src))
    return out


def fortune_paragraphs():
    out = []
    for path in sorted(glob.glob('/usr/share/games/fortunes/*.u8')):
        text = open(path, encoding='utf-8', errors='strict').read()
        for f in text.split('\n%\n'):
            f = f.strip('\n%')
            if HAN.search(f):
                out.append(f)
    return out


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else 'all'
    need = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    paras = []
    if kind in ('simplified', 'all'):
        paras += man_paragraphs('zh_CN')
    if kind in ('traditional', 'all'):
        paras += man_paragraphs('zh_TW')
    if kind in ('fortunes', 'all'):
        paras += fortune_paragraphs()
    if not paras:
        sys.exit('prose.py: no text found (install manpages-zh and fortunes-zh)')
    text = '\n'.join(paras) + '\n'
    out = text
    while len(out.encode()) < need:
        out += text
    sys.stdout.write(out)


if __name__ == '__main__':
    main()
