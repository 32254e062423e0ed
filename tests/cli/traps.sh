# Legitimate text that looks suspicious: check with the default rules finds
# nothing, and fix gives every byte back (fixtures/traps).
. "$(dirname "$0")/lib.bash"

for f in "$FIXTURES"/traps/*; do
  name=$(basename "$f")
  expect_status 0 "check finds nothing in $name" -- "$ZHFIX" check "$f"
  [ -s "$TMP/out" ] && sed 's/^/  /' "$TMP/out" | head -5 >&2
  expect_status 0 "fix on $name" -- "$ZHFIX" fix "$f"
  expect_same "fix leaves $name byte-identical" "$TMP/out" "$f"
done
finish
