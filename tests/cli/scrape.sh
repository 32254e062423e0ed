# The scraped article of issue 5 through the command: fix gives the
# repaired text byte for byte, --to simplified its Simplified form, check
# reports the defects with their rules; the repaired text is left alone.
. "$(dirname "$0")/lib.bash"

IN="$FIXTURES/scrape/scraped-article.corrupted.txt"
expect_status 0 "fix the scraped article" -- "$ZHFIX" fix "$IN"
expect_same "fix gives the repaired article" "$TMP/out" "$FIXTURES/scrape/scraped-article.repaired.txt"

expect_status 0 "fix --to simplified" -- "$ZHFIX" fix --to simplified "$IN"
expect_same "fix --to simplified gives the Simplified article" "$TMP/out" \
  "$FIXTURES/scrape/scraped-article.repaired.simplified.txt"

# stdin works the same as a file
expect_status 0 "fix from stdin" -- sh -c "'$ZHFIX' fix - < '$IN'"
expect_same "fix from stdin gives the repaired article" "$TMP/out" "$FIXTURES/scrape/scraped-article.repaired.txt"

expect_status 1 "check finds defects" -- "$ZHFIX" check "$IN"
for rule in injected-pinyin stray-comma halfwidth-punct gbk-out-of-step; do
  expect_grep "check reports $rule" ": $rule: " "$TMP/out"
done
# the out-of-step runs are reported where they start (lines 3 and 29)
expect_grep "first run at its line and column" "corrupted.txt:3:80: gbk-out-of-step: " "$TMP/out"
expect_grep "second run at its line and column" "corrupted.txt:29:124: gbk-out-of-step: " "$TMP/out"

expect_status 0 "check the repaired article" -- "$ZHFIX" check "$FIXTURES/scrape/scraped-article.repaired.txt"
expect_status 0 "fix the repaired article" -- "$ZHFIX" fix "$FIXTURES/scrape/scraped-article.repaired.txt"
expect_same "the repaired article stays" "$TMP/out" "$FIXTURES/scrape/scraped-article.repaired.txt"

# Each rule can be selected alone.
for rule in injected-pinyin pinyin-straddle gbk-out-of-step stray-comma halfwidth-punct html-entity mixed-line-endings fullwidth-alnum; do
  expect_status 0 "--select $rule" -- "$ZHFIX" fix --select "$rule" "$IN"
done
finish
