# The command's shape: help, version, usage errors, rules.
. "$(dirname "$0")/lib.bash"

expect_status 0 "--help" -- "$ZHFIX" --help
expect_grep "--help goes to stdout" "Usage: zhfix COMMAND" "$TMP/out"
expect_status 0 "fix --help" -- "$ZHFIX" fix --help
expect_grep "fix --help lists --in-place" "--in-place" "$TMP/out"
expect_status 0 "--version" -- "$ZHFIX" --version
expect_grep "--version names the data" "zhfix [0-9.]* (data: " "$TMP/out"

expect_status 2 "no command" -- "$ZHFIX"
expect_grep "usage error on stderr" "missing command" "$TMP/err"
expect_status 2 "unknown command" -- "$ZHFIX" frobnicate
expect_grep "unknown command named" "unknown command: frobnicate" "$TMP/err"
expect_status 2 "unknown option" -- "$ZHFIX" fix --no-such-option
expect_status 2 "unknown rule" -- "$ZHFIX" check --select no-such-rule /dev/null
expect_grep "unknown rule named" "no-such-rule" "$TMP/err"
expect_status 2 "unknown target" -- "$ZHFIX" convert --to klingon /dev/null
expect_status 2 "unknown encoding" -- "$ZHFIX" fix --from-encoding ebcdic /dev/null
expect_status 2 "convert without --to" -- "$ZHFIX" convert /dev/null
expect_status 2 "check -i" -- "$ZHFIX" check -i /dev/null
expect_status 2 "--backup without -i" -- "$ZHFIX" fix --backup /dev/null

expect_status 0 "rules" -- "$ZHFIX" rules
expect_grep "rules lists invisible-char with category" "^invisible-char *artifact *on" "$TMP/out"
expect_status 0 "rules --format json" -- "$ZHFIX" rules --format json
expect_grep "rules json" '"id":"invisible-char","category":"artifact"' "$TMP/out"
# Every category and every rule id is accepted by --select.
for id in $("$ZHFIX" rules | awk '{print $1}') encoding artifact punctuation width script all; do
  expect_status 0 "--select $id" -- "$ZHFIX" check --select "$id" /dev/null
done

# A full disk is an error, not silent truncation.
printf '中文\n' > "$TMP/a.txt"
expect_status 2 "stdout on a full disk" -- sh -c "'$ZHFIX' fix '$TMP/a.txt' > /dev/full"
expect_grep "full disk message" "zhfix: <stdout>: write error" "$TMP/err"
expect_status 2 "--help on a full disk" -- sh -c "'$ZHFIX' --help > /dev/full"
finish
