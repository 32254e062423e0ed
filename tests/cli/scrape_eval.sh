# Generality of the scraped-article repairs: other real prose (manpages-zh,
# fortunes-zh) corrupted the same way by tests/eval/scrape_eval.py comes
# back at the recovery floors, and the clean prose is left byte-identical.
# A small slice here; the full measurement is the same script without
# --docs.
. "$(dirname "$0")/lib.bash"

expect_status 0 "corrupt, repair and measure a slice" -- \
  python3 "$SRCDIR/tests/eval/scrape_eval.py" "$ZHFIX" --docs 6 --require
cat "$TMP/out" >&2
expect_grep "clean text unchanged" "0 changed lines" "$TMP/out"
finish
