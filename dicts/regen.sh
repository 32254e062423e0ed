#!/bin/sh
# Regenerate zhfix's data tables, or check that the committed ones are
# current.
#
#   dicts/regen.sh           regenerate dicts/*.tsv and src/data_*.c in place
#   dicts/regen.sh --check   regenerate into a temporary directory and compare
#                            with the committed files; exit 1 on any
#                            difference, listing the files that differ
#
# Convention for generators (add one by dropping a file in dicts/):
#   - it is named dicts/gen_NAME.py and run from the repository root as
#         python3 dicts/gen_NAME.py OUTDIR
#     in sorted order of NAME; it must not read anything under OUTDIR that an
#     earlier generator did not write, nor any committed table;
#   - it writes its tables as OUTDIR/dicts/*.tsv and its generated C as
#     OUTDIR/src/data_*.c (both directories exist or it creates them), and
#     nothing else;
#   - each TSV starts with '# ' header lines naming its sources, one
#     '# Source: NAME (DEBIAN-PACKAGE VERSION)' line per source (from
#     dpkg-query), and the license; output is deterministic;
#   - it exits non-zero on any error.
# After the generators, dicts/version.py OUTDIR collects the '# Source: '
# lines into OUTDIR/src/data_version.c (zh_data_version()).
# A generator listed in stdout_gens below instead takes no argument and
# prints its single output file (named there) on stdout.
#
# Sources are Debian packages (see dicts/README.md); regenerating with other
# package versions changes the tables, which --check then reports.
set -eu
# Generators import dicts/genlib.py; keep dicts/ free of __pycache__.
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"

check=0
case "${1-}" in
    --check) check=1 ;;
    "") ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: dicts/regen.sh [--check]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-regen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/dicts" "$tmp/src"

# Generators that print their one output on stdout, as NAME:OUTPUT.
stdout_gens="gen_encoding_freq.py:src/encoding_freq.inc gen_codec_tables.py:src/codec_tables.c"

# Sorted by the C locale so the order does not depend on the environment.
gens=$(LC_ALL=C ls dicts/gen_*.py)
for gen in $gens; do
    out=
    for entry in $stdout_gens; do
        if [ "dicts/${entry%%:*}" = "$gen" ]; then
            out=${entry#*:}
        fi
    done
    if [ -n "$out" ]; then
        mkdir -p "$(dirname "$tmp/$out")"
        python3 "$gen" >"$tmp/$out"
    else
        python3 "$gen" "$tmp"
    fi
done
python3 dicts/version.py "$tmp"

outputs=$(cd "$tmp" && find . -type f | sed 's#^\./##' | LC_ALL=C sort)

if [ "$check" -eq 0 ]; then
    for f in $outputs; do
        if ! cmp -s "$tmp/$f" "$f"; then
            cp "$tmp/$f" "$f"
            echo "regen: wrote $f"
        fi
    done
    exit 0
fi

status=0
for f in $outputs; do
    if [ ! -f "$f" ]; then
        echo "regen --check: $f is not committed" >&2
        status=1
    elif ! cmp -s "$tmp/$f" "$f"; then
        echo "regen --check: $f differs from its regeneration:" >&2
        diff -u "$f" "$tmp/$f" | head -n 20 >&2 || true
        status=1
    fi
done
# A committed src/data_*.c or dicts/*.tsv that no generator writes is stale.
for f in $(LC_ALL=C ls dicts/*.tsv src/data_*.c 2>/dev/null); do
    if [ ! -f "$tmp/$f" ]; then
        echo "regen --check: $f is not written by any generator" >&2
        status=1
    fi
done
if [ "$status" -eq 0 ]; then
    echo "regen --check: all generated files are current"
fi
exit "$status"
