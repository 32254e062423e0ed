# Hostile input: no crash, no hang, bounded memory, a clear message.
# Every run is under `timeout`; an exit of 124 is a hang, above 128 a
# crash. Exit 2 must come with a message naming the file. Output, when
# there is any, is valid UTF-8. Peak memory is measured with /usr/bin/time
# when it is installed.
# The 1 GB single line runs in the plain pass (about a minute of CPU), not
# in the sanitizer pass (ZHFIX_TEST_QUICK=1) unless ZHFIX_SLOW_TESTS=1.
. "$(dirname "$0")/lib.bash"

HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1
# Under AddressSanitizer (CI's second pass) memory has shadow and
# quarantine on top, and everything runs slower: the bounds grow.
RSS_EXTRA=0 SLOW=1
if ldd "$ZHFIX" 2>/dev/null | grep -q libasan; then RSS_EXTRA=768 SLOW=4; fi

# bounded WHAT SECONDS MAX_RSS_MB WANT -- COMMAND...: run COMMAND under
# timeout, stdout to $TMP/out, stderr to $TMP/err; WANT is the exit status
# wanted, or "any" for 0 or 2. Checks no hang, no crash, the peak RSS,
# a message on exit 2, valid UTF-8 on stdout.
bounded() {
  local what=$1 secs=$(($2 * SLOW)) rss=$(($3 + RSS_EXTRA)) want=$4; shift 5
  local t0=$SECONDS
  if [ $HAVE_TIME = 1 ]; then
    /usr/bin/time -o "$TMP/time" -f '%M' timeout "$secs" "$@" >"$TMP/out" 2>"$TMP/err"
  else
    timeout "$secs" "$@" >"$TMP/out" 2>"$TMP/err"
  fi
  local got=$? kb=0
  [ $HAVE_TIME = 1 ] && kb=$(tail -1 "$TMP/time")
  case $kb in ''|*[!0-9]*) kb=0 ;; esac
  echo "  $what: exit $got, $((SECONDS - t0)) s, peak RSS $((kb / 1024)) MB"
  if [ "$got" -eq 124 ]; then fail "$what: hung (over ${secs}s)"; return; fi
  if [ "$got" -gt 128 ]; then fail "$what: crashed (exit $got)"; head -5 "$TMP/err" >&2; return; fi
  if [ "$want" = any ]; then
    case $got in 0|2) ok ;; *) fail "$what: exit $got, want 0 or 2" ;; esac
  elif [ "$got" -eq "$want" ]; then ok; else
    fail "$what: exit $got, want $want"; head -3 "$TMP/err" >&2
  fi
  if [ "$got" -eq 2 ]; then expect_grep "$what: a message" '^zhfix: ' "$TMP/err"; fi
  if [ "$kb" -gt $((rss * 1024)) ]; then fail "$what: peak RSS $((kb / 1024)) MB over $rss MB"; else ok; fi
  if iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null 2>&1; then ok; else fail "$what: invalid UTF-8 on stdout"; fi
}

gen() { python3 -c "$1" "$TMP"; }

# ---- Random bytes --------------------------------------------------------
gen "
import random, sys
r = random.Random(7)
open(sys.argv[1] + '/random.bin', 'wb').write(bytes(r.getrandbits(8) for _ in range(1 << 20)))
open(sys.argv[1] + '/random-nonul.bin', 'wb').write(bytes(r.randrange(1, 256) for _ in range(1 << 20)))
open(sys.argv[1] + '/random-high.bin', 'wb').write(bytes(r.randrange(0x80, 256) for _ in range(1 << 18)))
"
bounded "random bytes: fix" 60 200 2 -- "$ZHFIX" fix "$TMP/random.bin"
expect_grep "random bytes: called binary" "^zhfix: $TMP/random.bin: binary file" "$TMP/err"
bounded "random bytes: check" 60 200 2 -- "$ZHFIX" check "$TMP/random.bin"
for f in random-nonul random-high; do
  bounded "$f: fix" 60 200 any -- "$ZHFIX" fix "$TMP/$f.bin"
  bounded "$f: detect" 60 200 any -- "$ZHFIX" detect "$TMP/$f.bin"
  for enc in utf-8 utf-16le utf-16be gb18030 gbk big5 big5-hkscs; do
    bounded "$f as $enc" 60 200 any -- "$ZHFIX" fix --from-encoding $enc "$TMP/$f.bin"
    bounded "$f as $enc: check all rules" 60 200 any -- "$ZHFIX" check --select all --from-encoding $enc "$TMP/$f.bin"
  done
  bounded "$f: convert" 60 200 any -- "$ZHFIX" convert --to traditional "$TMP/$f.bin"
done

# ---- Invalid UTF-8 at every position of a short text ----------------------
text='中文，English混合。第二行😀\n'
len=$(printf "$text" | wc -c)
bad=0 unnamed=0
for ((i = 0; i < len; i++)); do
  # The message names the start of the character the bad byte broke.
  start=$(printf "$text" | python3 -c "
import sys; d = bytearray(sys.stdin.buffer.read()); i = $i
while i > 0 and d[i] & 0xC0 == 0x80: i -= 1
print(i); d[$i] = 0xff
open(sys.argv[1], 'wb').write(d)" "$TMP/inv.txt")
  timeout 10 "$ZHFIX" fix --from-encoding utf-8 "$TMP/inv.txt" >"$TMP/out" 2>"$TMP/err"
  [ $? -eq 2 ] || bad=$((bad + 1))
  grep -q "^zhfix: $TMP/inv.txt: invalid utf-8 sequence at byte offset $start: " "$TMP/err" || unnamed=$((unnamed + 1))
  timeout 10 "$ZHFIX" fix "$TMP/inv.txt" >"$TMP/out" 2>"$TMP/err"
  case $? in 0|2) ;; *) bad=$((bad + 1)) ;; esac
  iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null 2>&1 || bad=$((bad + 1))
done
expect_true "invalid UTF-8 at each of $len positions: exit 2 (or decoded as another encoding)" test $bad -eq 0
expect_true "invalid UTF-8 at each position: message names file and offset ($unnamed without)" test $unnamed -eq 0

# ---- Overlong forms, surrogates, out of range ----------------------------
for seq in 'c0af' 'c180' 'e080af' 'f08080af' 'eda080' 'edbfbf' 'f4908080' 'f888808080' 'fe' 'ff' '80' 'e4b8'; do
  printf 'abc' > "$TMP/ol.txt"; printf "$(echo $seq | sed 's/../\\x&/g')" >> "$TMP/ol.txt"; printf 'def\n' >> "$TMP/ol.txt"
  bounded "overlong/invalid $seq as UTF-8" 10 100 2 -- "$ZHFIX" fix --from-encoding utf-8 "$TMP/ol.txt"
  expect_grep "$seq: offset named" "^zhfix: $TMP/ol.txt: invalid utf-8 sequence at byte offset 3" "$TMP/err"
  bounded "overlong/invalid $seq detected" 10 100 any -- "$ZHFIX" fix "$TMP/ol.txt"
done

# ---- Lone surrogates in UTF-16 -------------------------------------------
# "中", then the unit, then "a": with a BOM (detected) and without (named).
for case in 'le:00d8:high' 'le:00dc:low' 'be:d800:high' 'be:dc00:low'; do
  IFS=: read -r order unit kind <<<"$case"
  if [ "$order" = le ]; then bom='\xff\xfe'; zh='\x2d\x4e'; a='\x61\x00'; else bom='\xfe\xff'; zh='\x4e\x2d'; a='\x00\x61'; fi
  u="\\x${unit:0:2}\\x${unit:2:2}"
  printf "$bom$zh$u$a" > "$TMP/sur.txt"
  bounded "lone $kind surrogate, UTF-16$order with BOM" 10 100 2 -- "$ZHFIX" fix "$TMP/sur.txt"
  # Regression: the offset is the file's, BOM included (it was 2 short).
  expect_grep "lone $kind surrogate ($order): file offset" "^zhfix: $TMP/sur.txt: invalid utf-16${order} sequence at byte offset 4" "$TMP/err"
  printf "$zh$u$a" > "$TMP/sur2.txt"
  bounded "lone $kind surrogate, UTF-16$order named" 10 100 2 -- "$ZHFIX" fix --from-encoding utf-16$order "$TMP/sur2.txt"
  expect_grep "lone $kind surrogate ($order) named: offset" "byte offset 2" "$TMP/err"
done
printf '\xff\xfe\x2d\x4e\x3d\xd8' > "$TMP/sur3.txt"
bounded "high surrogate at the end" 10 100 2 -- "$ZHFIX" fix "$TMP/sur3.txt"
expect_grep "high surrogate at the end: truncated" "truncated utf-16le sequence at byte offset 4" "$TMP/err"
cp "$TMP/sur3.txt" "$TMP/sur3.copy"
bounded "lone surrogate, in place" 10 100 2 -- "$ZHFIX" fix -i "$TMP/sur3.txt"
expect_same "lone surrogate: original untouched" "$TMP/sur3.txt" "$TMP/sur3.copy"

# ---- Characters cut by the CLI's read chunks (256 KB, 8 MB) ---------------
# A character straddles each boundary; the text must come back whole, from
# a file and through a pipe, in UTF-8, GB18030 and UTF-16LE.
gen "
import sys
d = sys.argv[1]
parts, n = [], 0
for boundary in (1 << 18, 2 << 18, 8 << 20, (8 << 20) + (1 << 18)):
    for k in (1, 2, 3):  # the character starts 1, 2, 3 bytes before it
        pad = boundary - k - n
        parts.append('a' * pad); n += pad
        parts.append('中😀'); n += 7
        parts.append('\n'); n += 1
text = ''.join(parts) + '尾'
open(d + '/cut.txt', 'w', encoding='utf-8').write(text)
open(d + '/cut-gb.txt', 'wb').write(text.encode('gb18030'))
open(d + '/cut-16.txt', 'wb').write(b'\xff\xfe' + text.encode('utf-16-le'))
open(d + '/cut-trunc.txt', 'wb').write(text.encode() + b'\xf0\x9f\x98')
"
bounded "chars cut at read boundaries (file)" 60 200 0 -- "$ZHFIX" fix "$TMP/cut.txt"
expect_same "chars cut at read boundaries: text whole" "$TMP/out" "$TMP/cut.txt"
bounded "chars cut at read boundaries (pipe)" 60 200 0 -- sh -c "cat '$TMP/cut.txt' | '$ZHFIX' fix"
expect_same "chars cut at read boundaries through a pipe: text whole" "$TMP/out" "$TMP/cut.txt"
bounded "GB18030 chars cut at read boundaries" 60 200 0 -- "$ZHFIX" fix --from-encoding gb18030 "$TMP/cut-gb.txt"
expect_same "GB18030 chars cut: text whole" "$TMP/out" "$TMP/cut.txt"
bounded "UTF-16 surrogate pairs cut at read boundaries" 60 200 0 -- sh -c "cat '$TMP/cut-16.txt' | '$ZHFIX' fix"
expect_same "UTF-16 pairs cut: text whole" "$TMP/out" "$TMP/cut.txt"
bounded "a character truncated at the end" 60 200 2 -- "$ZHFIX" fix --from-encoding utf-8 "$TMP/cut-trunc.txt"
expect_grep "truncated at the end: says so" "^zhfix: $TMP/cut-trunc.txt: truncated utf-8 sequence" "$TMP/err"

# ---- NUL bytes ---------------------------------------------------------
printf '中文\0第二\0\0行\n' > "$TMP/nul.txt"
bounded "NUL bytes, detected" 10 100 2 -- "$ZHFIX" fix "$TMP/nul.txt"
expect_grep "NUL bytes: called binary" "binary file" "$TMP/err"
bounded "NUL bytes, named UTF-8" 10 100 0 -- "$ZHFIX" fix --from-encoding utf-8 "$TMP/nul.txt"
expect_same "NUL bytes pass through" "$TMP/out" "$TMP/nul.txt"
bounded "NUL bytes, convert" 10 100 0 -- "$ZHFIX" convert --to traditional --from-encoding utf-8 "$TMP/nul.txt"
expect_true "convert keeps the NUL bytes" test "$(tr -cd '\0' < "$TMP/out" | wc -c)" = 3

# ---- Ten million empty lines -------------------------------------------
head -c 10000000 /dev/zero | tr '\0' '\n' > "$TMP/empty-lines.txt"
bounded "ten million empty lines: fix" 120 200 0 -- "$ZHFIX" fix "$TMP/empty-lines.txt"
expect_same "ten million empty lines come back" "$TMP/out" "$TMP/empty-lines.txt"
bounded "ten million empty lines: check" 120 200 0 -- "$ZHFIX" check --select all "$TMP/empty-lines.txt"
bounded "ten million empty lines: stdin" 120 200 0 -- sh -c "cat '$TMP/empty-lines.txt' | '$ZHFIX' fix --syntax markdown"
expect_same "ten million empty lines through a pipe" "$TMP/out" "$TMP/empty-lines.txt"
rm -f "$TMP/empty-lines.txt"

# ---- Deeply nested and pathological Markdown ------------------------------
# Regressions: lines of many '<' or '](' without a close, and backtick runs
# of many lengths, took time quadratic in the line (minutes for a few MB).
gen "
import sys
d = sys.argv[1]
w = lambda n, s: open(d + '/' + n, 'w', encoding='utf-8').write(s)
w('quotes.md', '> ' * 10000 + '引用\u200b文字\n' + ''.join('>' * i + ' 引\u200b用\n' for i in range(1, 10001)))
w('lists.md', ''.join('  ' * i + '- 项\u200b目\n' for i in range(10000)) + ''.join('1. ' * i + '项\n' for i in range(1, 2001)))
w('backticks.md', '\`' * 100000 + '中\u200b文\n' + '\`' * 100000 + '\n' + ''.join('a' + '\`' * k for k in range(1, 2000)) + '\n')
w('ticks256.md', ''.join(('\`' * k + '中\u200b') for k in range(1, 256)) * 40 + '\n')
w('tags.md', '<a' * (8 << 20) + '\n')
w('links.md', '](x' * (4 << 20) + '\n')
w('fences.md', ''.join('\`' * (3 + i % 50) + '\n中\u200b文\n' for i in range(100000)))
w('brackets.md', '[' * 1000000 + '中\u200b文' + ']' * 1000000 + '(' * 1000000 + '\n')
"
for f in quotes lists backticks ticks256 tags links fences brackets; do
  bounded "Markdown: $f" 60 200 0 -- "$ZHFIX" fix "$TMP/$f.md"
  expect_true "Markdown $f: as many lines out as in" test "$(wc -l < "$TMP/out")" = "$(wc -l < "$TMP/$f.md")"
done

# ---- A 1 GB single line ----------------------------------------------------
# 32.5 million zero-width spaces in one line: blocks are cut inside the
# line at 16 MiB, and each block's findings are freed before the next.
if [ "$QUICK" != 1 ] || [ "${ZHFIX_SLOW_TESTS:-0}" = 1 ]; then
  gen "
import sys
unit = ('中文的一行没有换行符\u200b' * 1000).encode()
with open(sys.argv[1] + '/gig.txt', 'wb') as f:
    for _ in range((1 << 30) // len(unit)):
        f.write(unit)
"
  bounded "1 GB single line: fix" 1800 300 0 -- sh -c "'$ZHFIX' fix '$TMP/gig.txt' | cksum"
  want=$(python3 -c "
import sys, zlib
unit = ('中文的一行没有换行符' * 1000).encode()
print(len(unit) * ((1 << 30) // len(('中文的一行没有换行符\u200b' * 1000).encode())))")
  expect_grep "1 GB single line: every byte but the zero-width spaces" " $want\$" "$TMP/out"
  bounded "1 GB single line: through a pipe" 1800 300 1 -- sh -c "cat '$TMP/gig.txt' | '$ZHFIX' check --statistics"
  rm -f "$TMP/gig.txt"
else
  echo "SKIP: 1 GB single line in the quick pass (set ZHFIX_SLOW_TESTS=1)"
fi
# A JSONL record of 500 MB: the JSONL reader (src/cli/jsonl.c) is a
# colleague's; its hostile tests go with it.
finish
