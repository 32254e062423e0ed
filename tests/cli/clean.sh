# Clean text is sacred: real prose comes back byte-identical from fix, and
# check finds nothing in the encoding and artifact categories there.
. "$(dirname "$0")/lib.bash"

prose all > "$TMP/all.txt"
expect_status 0 "fix on real prose" -- "$ZHFIX" fix "$TMP/all.txt"
expect_same "fix leaves real prose byte-identical" "$TMP/out" "$TMP/all.txt"
# lossy-mark is left out: four lines of manpages-zh really have lost
# characters ("查询属于???组<group>的包", and '?' in an out-of-step GBK run
# of iptables(8) in both scripts); tests/test_lossy.c checks what it flags.
expect_status 0 "check encoding,artifact on real prose" -- "$ZHFIX" check --select encoding,artifact --ignore lossy-mark "$TMP/all.txt"
head -c 20000 "$TMP/out" >&2
# Each encoding the detector knows, read back to the same text.
for enc in GB18030 UTF-16LE UTF-16BE; do
  prose simplified | head -c 300000 | iconv -c -f UTF-8 -t UTF-8 > "$TMP/u.txt"
  iconv -f UTF-8 -t $enc "$TMP/u.txt" > "$TMP/e.txt" 2>/dev/null
  if [ $enc = UTF-16LE ]; then printf '\xff\xfe' | cat - "$TMP/e.txt" > "$TMP/e2.txt"; mv "$TMP/e2.txt" "$TMP/e.txt"; fi
  expect_status 0 "fix $enc input" -- "$ZHFIX" fix "$TMP/e.txt"
  expect_same "$enc input decoded to the same UTF-8" "$TMP/out" "$TMP/u.txt"
done
finish
