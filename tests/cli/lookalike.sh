# Clean prose written carelessly (ASCII marks, "?!", marks as spaces,
# symbols and emoji beside Han characters, hard wraps) is left
# byte-identical by the encoding and artifact rules: a slice of
# tests/eval/lookalike_sweep.py here, the whole sweep is the script alone.
. "$(dirname "$0")/lib.bash"

expect_status 0 "look-alikes of clean prose unchanged" -- \
  python3 "$SRCDIR/tests/eval/lookalike_sweep.py" "$ZHFIX" --limit 4000 --show 3 --require
cat "$TMP/out" >&2
finish
