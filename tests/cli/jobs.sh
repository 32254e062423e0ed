# -j: files on worker threads give exactly what one after the other gives
# (stdout, stderr, exit status), whatever the mix of files; progress only
# when asked for or on a terminal.
. "$(dirname "$0")/lib.bash"

# Real prose, some of it corrupted with U+200B (the invisible-char rule).
prose simplified > "$TMP/prose.txt"
zwsp() { python3 -c '
import sys
t = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.write(t.replace("的", "的\u200b", int(sys.argv[2])))' "$@"; }
head -c 300000 "$TMP/prose.txt" | iconv -c -f UTF-8 -t UTF-8 > "$TMP/p1" 2>/dev/null
zwsp "$TMP/p1" 40 > "$TMP/bad1.txt"
tail -c 200000 "$TMP/prose.txt" | iconv -c -f UTF-8 -t UTF-8 > "$TMP/clean1.txt" 2>/dev/null
printf '中\xe2\x80\x8b文\n' > "$TMP/small.txt"
printf 'abc\0def\n' > "$TMP/binary.bin"
printf '\xff\xfe\x00' > "$TMP/invalid.txt"  # a UTF-16 BOM, then half a unit
mkdir "$TMP/dir"
: > "$TMP/empty.txt"
printf '# 標題\n\n正文\xe2\x80\x8b在此。\n\n```\n代码\xe2\x80\x8b\n```\n' > "$TMP/doc.md"
iconv -f UTF-8 -t GB18030 "$TMP/bad1.txt" > "$TMP/gbk.txt"

FILES=("$TMP/bad1.txt" "$TMP/missing.txt" "$TMP/clean1.txt" "$TMP/binary.bin"
       "$TMP/small.txt" "$TMP/dir" "$TMP/invalid.txt" "$TMP/empty.txt"
       "$TMP/doc.md" "$TMP/gbk.txt" "$TMP/small.txt")

# same_as_j1 DESCRIPTION ZHFIX-ARGS...: -j 2 and -j 4 give -j 1's stdout,
# stderr and exit status, byte for byte.
same_as_j1() {
  local what=$1; shift
  "$ZHFIX" "$@" -j 1 >"$TMP/o1" 2>"$TMP/e1"; local s1=$?
  for n in 2 4; do
    "$ZHFIX" "$@" -j "$n" >"$TMP/o$n" 2>"$TMP/e$n"; local sn=$?
    if [ "$s1" = "$sn" ]; then ok; else fail "$what -j $n: exit $sn, -j 1 gave $s1"; fi
    expect_same "$what -j $n stdout" "$TMP/o1" "$TMP/o$n"
    expect_same "$what -j $n stderr" "$TMP/e1" "$TMP/e$n"
  done
  echo "$s1" > "$TMP/status1"
}

same_as_j1 "fix" fix "${FILES[@]}"
expect_true "fix: exit 2 for the bad files" test "$(cat "$TMP/status1")" = 2
expect_grep "fix: missing file named" "zhfix: $TMP/missing.txt: " "$TMP/e1"
expect_grep "fix: binary named" "zhfix: $TMP/binary.bin: binary file" "$TMP/e1"
expect_grep "fix: invalid named" "zhfix: $TMP/invalid.txt: " "$TMP/e1"
expect_grep "fix: the corrupted file is repaired" "的" "$TMP/o1"
expect_no_grep "fix: no U+200B left in prose" $'的\u200b' "$TMP/o1"
same_as_j1 "fix --explain" fix --explain "${FILES[@]}"
same_as_j1 "fix --diff" fix --diff "${FILES[@]}"
same_as_j1 "convert --to traditional" convert --to traditional "${FILES[@]}"
same_as_j1 "check" check "${FILES[@]}"
expect_true "check: exit 2 wins over findings" test "$(cat "$TMP/status1")" = 2
same_as_j1 "check, good files only" check "$TMP/bad1.txt" "$TMP/clean1.txt" "$TMP/small.txt" "$TMP/doc.md"
expect_true "check: exit 1 on findings" test "$(cat "$TMP/status1")" = 1
same_as_j1 "check clean files" check --select artifact "$TMP/clean1.txt" "$TMP/empty.txt" "$TMP/clean1.txt"
expect_true "check: exit 0 when clean" test "$(cat "$TMP/status1")" = 0
same_as_j1 "check --format json" check --format json "${FILES[@]}"
same_as_j1 "check --format sarif" check --format sarif "${FILES[@]}"
expect_status 0 "SARIF from -j 4 is one JSON document" -- python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); assert d["runs"][0]["results"]' "$TMP/o4"
same_as_j1 "check --statistics" check --statistics "${FILES[@]}"
same_as_j1 "detect" detect "${FILES[@]}"
same_as_j1 "detect --format json" detect --format json "${FILES[@]}"
same_as_j1 "fix --jsonl" fix --jsonl --field text "${FILES[@]}"

# Output larger than what is held in memory (16 MB a file) goes through a
# temporary file and still comes out in order.
prose all 20000000 > "$TMP/big1.txt"
zwsp "$TMP/big1.txt" 1000 > "$TMP/big2.txt"
cp "$TMP/big1.txt" "$TMP/big3.txt"
"$ZHFIX" fix -j 1 "$TMP/big1.txt" "$TMP/big2.txt" "$TMP/big3.txt" "$TMP/small.txt" > "$TMP/o1" 2> "$TMP/e1"
"$ZHFIX" fix -j 4 "$TMP/big1.txt" "$TMP/big2.txt" "$TMP/big3.txt" "$TMP/small.txt" > "$TMP/o4" 2> "$TMP/e4"
expect_same "60 MB over 4 jobs" "$TMP/o1" "$TMP/o4"
expect_true "no temporary file left" test -z "$(ls -A "${TMPDIR:-/tmp}" | grep zhfix-hold)"
rm -f "$TMP/big"* "$TMP/o1" "$TMP/o4"

# -i with -j: every file rewritten as with -j 1, a file named twice too.
mkdir "$TMP/i1" "$TMP/i4"
for d in i1 i4; do cp "$TMP/bad1.txt" "$TMP/small.txt" "$TMP/clean1.txt" "$TMP/gbk.txt" "$TMP/$d/"; done
"$ZHFIX" fix -i -j 1 "$TMP"/i1/*.txt "$TMP/i1/small.txt" 2> "$TMP/e1"; s1=$?
"$ZHFIX" fix -i -j 4 "$TMP"/i4/*.txt "$TMP/i4/small.txt" 2> "$TMP/e4"; s4=$?
expect_true "-i: same exit status" test "$s1" = "$s4"
for f in bad1.txt small.txt clean1.txt gbk.txt; do
  expect_same "-i -j 4: $f" "$TMP/i1/$f" "$TMP/i4/$f"
done
expect_true "-i: the file named twice did not clash" test ! -s "$TMP/e4"

# Options.
expect_status 2 "-j 0 is a usage error" -- "$ZHFIX" fix -j 0 "$TMP/small.txt"
expect_grep "-j 0 message" "\-j takes a number" "$TMP/err"
expect_status 2 "-j x is a usage error" -- "$ZHFIX" fix --jobs x "$TMP/small.txt"
expect_status 0 "--jobs N" -- "$ZHFIX" fix --jobs 3 "$TMP/small.txt" "$TMP/clean1.txt"
expect_status 2 "a full disk is an error with -j" -- sh -c "'$ZHFIX' fix -j 2 '$TMP/bad1.txt' '$TMP/clean1.txt' > /dev/full"
expect_grep "full disk message" "write error" "$TMP/err"

# Progress: asked for, it is written even when stderr is not a terminal
# (one line per update there, no escape sequences).
expect_status 0 "--progress" -- "$ZHFIX" fix --progress "$TMP/bad1.txt" "$TMP/clean1.txt"
expect_grep "progress counts files" "^zhfix: 2/2 files, " "$TMP/err"
expect_grep "progress shows MB and MB/s" " MB, [0-9.]* MB/s" "$TMP/err"
expect_no_grep "no terminal escapes when not a terminal" $'\e' "$TMP/err"
"$ZHFIX" fix -j 1 "$TMP/bad1.txt" "$TMP/clean1.txt" > "$TMP/o1"
expect_same "--progress leaves stdout alone" "$TMP/out" "$TMP/o1"
# Not asked for and stderr not a terminal: none, even on a long run.
expect_status 0 "long run, stderr not a terminal" -- sh -c "(sleep 1.5; cat '$TMP/bad1.txt') | '$ZHFIX' fix -"
expect_true "no progress when stderr is not a terminal" test ! -s "$TMP/err"
# On a terminal (script(1) gives one), a long run shows it and clears it.
if command -v script >/dev/null; then
  script -qec "sh -c \"(sleep 2.5; cat '$TMP/bad1.txt') | '$ZHFIX' fix - > /dev/null\"" /dev/null > "$TMP/tty" 2>&1
  expect_grep "progress on a terminal" "zhfix: 0/1 files" "$TMP/tty"
  expect_grep "progress cleared at the end" $'\r\e\[K$' "$TMP/tty"
  script -qec "sh -c \"(sleep 2.5; cat '$TMP/bad1.txt') | '$ZHFIX' fix --no-progress - > /dev/null\"" /dev/null > "$TMP/tty" 2>&1
  expect_true "--no-progress on a terminal" test ! -s "$TMP/tty"
fi
finish
