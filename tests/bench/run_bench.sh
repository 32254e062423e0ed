#!/bin/sh
# Throughput of the encoding rules on clean prose and on mojibake-heavy text.
#   tests/bench/run_bench.sh BUILD_DIR
# Inputs: real prose from Debian packages (tests/corpus/prose.py), and the
# same prose corrupted paragraph by paragraph with the generators of
# tests/eval/mojibake_eval.py (UTF-8 read as GBK / Windows-1252, GBK read as
# Windows-1252, double encodings, in turn).
set -e
build=${1:?usage: run_bench.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/tests/corpus/prose.py" all 20000000 > "$tmp/clean.txt"
python3 - "$src" "$tmp/clean.txt" "$tmp/mojibake.txt" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + '/tests/eval')
import mojibake_eval as m
gens = [g for n, g in m.EXACT + m.LOSSY if n in (
    'utf8-as-cp1252', 'utf8-as-gbk-odd-byte-?', 'gbk-as-cp1252',
    'utf8-as-cp1252-twice', 'utf8-as-gbk-replace')]
out = []
size = 0
for i, p in enumerate(open(sys.argv[2], encoding='utf-8').read().split('\n')):
    try:
        c = gens[i % len(gens)](p, None)
    except UnicodeError:
        c = p
    out.append(c.replace('\n', ' ').replace('\r', ' '))
    size += len(c.encode())
    if size > 8000000:
        break
open(sys.argv[3], 'w', encoding='utf-8').write('\n'.join(out) + '\n')
PY
"$build/tests/bench_encoding" "$tmp/clean.txt" encoding
"$build/tests/bench_encoding" "$tmp/mojibake.txt" encoding 3
