# zhfix's own conversion engine is byte-identical to libopencc: for every
# OpenCC config it compiles in, `zhfix convert --opencc CONFIG` (engine) and
# `--engine opencc` (libopencc) agree on the whole corpus (prose.py all),
# on every key of every OpenCC dictionary (one per line, and all keys run
# together so matches meet and overlap), on CRLF text and on text without a
# final newline. tests/test_engine.c checks that auto really selects the
# engine for these configs.
. "$(dirname "$0")/lib.bash"

CONFIGS="s2t t2s s2tw tw2s s2twp tw2sp s2hk hk2s t2tw tw2t t2hk hk2t t2jp jp2t"

prose all > "$TMP/all.txt"
expect_true "corpus is multi-megabyte" test "$(stat -c %s "$TMP/all.txt")" -gt 5000000
if [ "$QUICK" = 1 ]; then
  # Both scripts, so that every config has something to convert.
  prose simplified | head -c 500000 | sed '$d' > "$TMP/all.txt"
  prose traditional | head -c 500000 | sed '$d' >> "$TMP/all.txt"
fi
# Every dictionary key, one per line, then the same keys run together in
# lines of 40, in file order: phrases meet their neighbours there.
cat "$SRCDIR"/dicts/opencc/*.tsv | grep -v '^#' | cut -f1 > "$TMP/keys1.txt"
expect_true "dictionary keys found" test "$(wc -l < "$TMP/keys1.txt")" -gt 50000
paste -d '' - - - - - - - - - - - - - - - - - - - - \
    - - - - - - - - - - - - - - - - - - - - < "$TMP/keys1.txt" > "$TMP/keys2.txt"
sed 's/$/\r/' "$TMP/keys2.txt" | head -c -2 > "$TMP/keys3-crlf-nonl.txt"
cat "$TMP/keys1.txt" "$TMP/keys2.txt" "$TMP/keys3-crlf-nonl.txt" > "$TMP/keys.txt"

bytes=0
for config in $CONFIGS; do
  for input in all.txt keys.txt; do
    expect_status 0 "$config $input (engine)" -- \
      "$ZHFIX" convert --opencc "$config" "$TMP/$input"
    mv "$TMP/out" "$TMP/engine.out"
    expect_status 0 "$config $input (libopencc)" -- \
      "$ZHFIX" convert --engine opencc --opencc "$config" "$TMP/$input"
    expect_same "$config $input: engine equals libopencc" \
      "$TMP/engine.out" "$TMP/out"
    # An engine that copied its input would agree only if OpenCC did too.
    if cmp -s "$TMP/$input" "$TMP/out"; then
      fail "$config $input: conversion changed nothing"
    else ok; fi
    bytes=$((bytes + $(stat -c %s "$TMP/$input")))
  done
done
echo "compared $bytes input bytes over $(echo $CONFIGS | wc -w) configs"

# --engine opencc with an unknown engine name is a usage error.
printf '一只猫\n' > "$TMP/cat.txt"
expect_status 2 "--engine bogus" -- "$ZHFIX" convert --engine bogus --to traditional "$TMP/cat.txt"
expect_grep "--engine bogus message" "unknown engine 'bogus'" "$TMP/err"
expect_status 0 "--engine auto" -- "$ZHFIX" convert --engine auto --to traditional "$TMP/cat.txt"
expect_grep "--engine auto converts" "一隻貓" "$TMP/out"

# libopencc is opened only by a conversion that needs it (src/convert.c):
# loaded at start-up it cost every run 2.4 ms. The dynamic loader names
# each library it loads (LD_DEBUG=files).
for args in "check $TMP/cat.txt" "fix $TMP/cat.txt" \
            "convert --to traditional $TMP/cat.txt"; do
  # shellcheck disable=SC2086 # the words of $args are the arguments
  expect_status 0 "zhfix $args" -- env LD_DEBUG=files "$ZHFIX" $args
  expect_no_grep "zhfix ${args%% *} does not load libopencc" "libopencc" "$TMP/err"
done
expect_status 0 "--engine opencc" -- env LD_DEBUG=files \
  "$ZHFIX" convert --engine opencc --to traditional "$TMP/cat.txt"
expect_grep "--engine opencc loads libopencc" "file=libopencc" "$TMP/err"
expect_grep "--engine opencc converts" "一隻貓" "$TMP/out"
finish
