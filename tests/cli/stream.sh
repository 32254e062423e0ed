# Streaming gives one answer: a file, the same file on standard input
# (seekable), through a pipe (spooled), rewritten in place, and in another
# encoding, all produce the same text and the same findings. The input is
# real prose with defects, over 8 MB (the CLI's in-memory limit) so files
# are read twice and pipes are spooled, with Markdown state and
# zhfix-disable regions across blocks. -j reads a single input's blocks
# side by side: any number of threads gives what one gives.
. "$(dirname "$0")/lib.bash"

prose all | python3 -c "
import sys
text = sys.stdin.read()
out, n = [], 0
fence = False
for i, line in enumerate(text.splitlines(True)):
    if i % 50 == 0:
        out.append('\`\`\`\n'); fence = not fence   # fences open across blocks
    if i % 3001 == 0:
        out.append('<!-- zhfix-%s -->\n' % ('disable' if i % 6002 == 0 else 'enable'))
    if i % 7 == 0:
        line = line.replace('，', '\u200b，', 1)
    out.append(line)
    n += len(line.encode())
    if n > (20 << 20): break
if fence: out.append('\`\`\`\n')
sys.stdout.write(''.join(out))
" > "$TMP/big.md"
expect_true "input over 8 MB" test "$(wc -c < "$TMP/big.md")" -gt $((8 << 20))

expect_status 0 "file" -- "$ZHFIX" fix "$TMP/big.md"
cp "$TMP/out" "$TMP/from-file"
expect_true "something was fixed" test "$(cmp -l "$TMP/from-file" "$TMP/big.md" 2>/dev/null | wc -l)" -gt 0
expect_status 0 "stdin" -- sh -c "'$ZHFIX' fix --syntax markdown < '$TMP/big.md'"
expect_same "stdin equals file" "$TMP/out" "$TMP/from-file"
expect_status 0 "pipe" -- sh -c "cat '$TMP/big.md' | '$ZHFIX' fix --syntax markdown"
expect_same "pipe equals file" "$TMP/out" "$TMP/from-file"
cp "$TMP/big.md" "$TMP/inplace.md"
expect_status 0 "in place" -- "$ZHFIX" fix -i "$TMP/inplace.md"
expect_same "in place equals file" "$TMP/inplace.md" "$TMP/from-file"

iconv -f UTF-8 -t GB18030 "$TMP/big.md" > "$TMP/big-gb.md"
expect_status 0 "GB18030 file" -- "$ZHFIX" fix --from-encoding gb18030 "$TMP/big-gb.md"
expect_same "GB18030 file equals UTF-8 file" "$TMP/out" "$TMP/from-file"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$TMP/big.md"; } > "$TMP/big-16.md"
expect_status 0 "UTF-16 through a pipe" -- sh -c "cat '$TMP/big-16.md' | '$ZHFIX' fix --syntax markdown"
expect_same "UTF-16 pipe equals UTF-8 file" "$TMP/out" "$TMP/from-file"

# Findings: the same lines and columns, whatever the way in.
"$ZHFIX" check "$TMP/big.md" 2>/dev/null | sed "s#^$TMP/big.md:##" > "$TMP/check-file"
"$ZHFIX" check --syntax markdown < "$TMP/big.md" 2>/dev/null | sed 's#^<stdin>:##' > "$TMP/check-stdin"
cat "$TMP/big-16.md" | "$ZHFIX" check --syntax markdown 2>/dev/null | sed 's#^<stdin>:##' > "$TMP/check-pipe"
expect_true "findings reported" test -s "$TMP/check-file"
expect_same "findings from stdin equal the file's" "$TMP/check-stdin" "$TMP/check-file"
expect_same "findings from a UTF-16 pipe equal the file's" "$TMP/check-pipe" "$TMP/check-file"
# Threads: the blocks of the one input read side by side, each thread's
# handle skipping the blocks the others read.
for cmd in "fix" "fix --explain" "fix --diff" "check" "check --format json" "convert --to traditional"; do
  "$ZHFIX" $cmd -j 1 "$TMP/big.md" > "$TMP/j1" 2>&1; s1=$?
  for n in 2 3; do
    "$ZHFIX" $cmd -j $n "$TMP/big.md" > "$TMP/jn" 2>&1; sn=$?
    expect_true "$cmd -j $n: exit status of -j 1" test "$s1" = "$sn"
    expect_same "$cmd -j $n: output of -j 1" "$TMP/j1" "$TMP/jn"
  done
done
"$ZHFIX" fix -j 1 "$TMP/big.md" > "$TMP/j1"
expect_same "fix -j 1 equals the default" "$TMP/j1" "$TMP/from-file"
# An invalid byte after 3 MB ends the input: the blocks before it come out
# first, whatever the number of threads.
{ head -c 3000000 "$TMP/big.md"; printf 'abc\xff\xfe\n'; head -c 3000000 "$TMP/big.md"; } > "$TMP/bad.md"
"$ZHFIX" fix --from-encoding utf-8 -j 1 "$TMP/bad.md" > "$TMP/b1" 2> "$TMP/be1"; s1=$?
expect_true "invalid byte: exit 2" test "$s1" = 2
expect_true "invalid byte: the text before it is written" test "$(wc -c < "$TMP/b1")" -gt 2000000
for n in 2 3 4; do
  "$ZHFIX" fix --from-encoding utf-8 -j $n "$TMP/bad.md" > "$TMP/bn" 2> "$TMP/ben"; sn=$?
  expect_true "invalid byte -j $n: exit status of -j 1" test "$s1" = "$sn"
  expect_same "invalid byte -j $n: output of -j 1" "$TMP/b1" "$TMP/bn"
  expect_same "invalid byte -j $n: message of -j 1" "$TMP/be1" "$TMP/ben"
done
cat "$TMP/big-16.md" | "$ZHFIX" fix -j 4 --syntax markdown > "$TMP/jn"
expect_same "UTF-16 pipe, -j 4, equals -j 1" "$TMP/jn" "$TMP/j1"
finish
