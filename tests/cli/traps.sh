# Legitimate text that looks suspicious: check with the default rules finds
# nothing, and fix gives every byte back (fixtures/traps).
. "$(dirname "$0")/lib.bash"

for f in "$FIXTURES"/traps/*; do
  name=$(basename "$f")
  # ascii-marks-*: ASCII '?' and ':' in Chinese prose are a real punctuation
  # finding (GB/T 15834), but never an encoding or artifact one.
  select=()
  case $name in ascii-marks-*) select=(--select encoding,artifact) ;; esac
  expect_status 0 "check finds nothing in $name" -- "$ZHFIX" check "${select[@]}" "$f"
  [ -s "$TMP/out" ] && sed 's/^/  /' "$TMP/out" | head -5 >&2
  expect_status 0 "fix on $name" -- "$ZHFIX" fix "$f"
  expect_same "fix leaves $name byte-identical" "$TMP/out" "$f"
done
finish
