# Bad input gets a message naming the file and exit 2; other files go on.
. "$(dirname "$0")/lib.bash"

printf '第一行\n' > "$TMP/good.txt"
printf 'abc\0def\n' > "$TMP/binary.bin"
mkdir "$TMP/dir"
: > "$TMP/empty.txt"

expect_status 2 "missing file" -- "$ZHFIX" fix "$TMP/missing.txt" "$TMP/good.txt"
expect_grep "missing file named" "zhfix: $TMP/missing.txt: No such file or directory" "$TMP/err"
expect_grep "the good file is still processed" "第一行" "$TMP/out"

expect_status 2 "directory" -- "$ZHFIX" fix "$TMP/dir" "$TMP/good.txt"
expect_grep "directory named" "zhfix: $TMP/dir: is a directory" "$TMP/err"
expect_grep "after a directory" "第一行" "$TMP/out"

expect_status 2 "binary file" -- "$ZHFIX" fix "$TMP/binary.bin" "$TMP/good.txt"
expect_grep "binary named" "zhfix: $TMP/binary.bin: binary file" "$TMP/err"
expect_same "binary file not echoed, good file is" "$TMP/out" "$TMP/good.txt"
expect_status 2 "binary file on check" -- "$ZHFIX" check "$TMP/binary.bin"

# Unreadable: only meaningful when not root.
if [ "$(id -u)" != 0 ]; then
  cp "$TMP/good.txt" "$TMP/secret.txt"; chmod 000 "$TMP/secret.txt"
  expect_status 2 "unreadable" -- "$ZHFIX" fix "$TMP/secret.txt"
  expect_grep "unreadable named" "zhfix: $TMP/secret.txt: Permission denied" "$TMP/err"
fi

expect_status 0 "empty file" -- "$ZHFIX" fix "$TMP/empty.txt"
expect_same "empty file gives empty output" "$TMP/out" "$TMP/empty.txt"
expect_status 0 "empty check" -- "$ZHFIX" check "$TMP/empty.txt"

# Undecodable bytes: invalid in the named encoding.
printf '中文\xff\xfe好\n' > "$TMP/bad-utf8.txt"
expect_status 2 "invalid UTF-8 when UTF-8 is named" -- "$ZHFIX" fix --from-encoding utf-8 "$TMP/bad-utf8.txt"
expect_grep "invalid input names the file and the offset" "zhfix: $TMP/bad-utf8.txt: .*offset 6" "$TMP/err"
cp "$TMP/bad-utf8.txt" "$TMP/bad-copy.txt"
expect_status 2 "invalid input in place" -- "$ZHFIX" fix -i --from-encoding utf-8 "$TMP/bad-utf8.txt"
expect_same "original untouched" "$TMP/bad-utf8.txt" "$TMP/bad-copy.txt"
expect_true "no temp file left" test -z "$(ls -A "$TMP" | grep zhfix-)"
# ...and when no encoding is named: the owner of a UTF-8 file with a bad
# byte is told where it is, not that the file might be UTF-16.
expect_status 2 "invalid UTF-8, detected" -- "$ZHFIX" fix "$TMP/bad-utf8.txt"
expect_grep "the bad sequence is named" "$TMP/bad-utf8.txt: cannot tell the encoding: UTF-8 up to an invalid utf-8 sequence at byte offset 6: 0xff" "$TMP/err"
printf '中文\xff\n' > "$TMP/bad-utf8-end.txt"
expect_status 2 "invalid UTF-8 near the end, detected" -- "$ZHFIX" fix "$TMP/bad-utf8-end.txt"
expect_grep "...named there too" "bad-utf8-end.txt: cannot tell the encoding: UTF-8 up to an invalid utf-8 sequence at byte offset 6: 0xff" "$TMP/err"
printf '\x81\x20abc\n' > "$TMP/bad-gbk.txt"
expect_status 2 "invalid GBK when GBK is named" -- "$ZHFIX" fix --from-encoding gbk "$TMP/bad-gbk.txt"
expect_grep "gbk error names the file" "zhfix: $TMP/bad-gbk.txt: " "$TMP/err"

# Text in an encoding zhfix does not read (Japanese, Korean, French) is
# refused, not mangled into GBK or Big5.
for f in man-ja.shift_jis.txt man-ko.euc-kr.txt man-fr.iso-8859-1.txt; do
  expect_status 2 "refuses $f" -- "$ZHFIX" fix "$FIXTURES/encoding/$f"
  expect_grep "$f: cannot tell the encoding" "cannot tell the encoding" "$TMP/err"
  expect_true "$f: nothing written" test ! -s "$TMP/out"
done
expect_status 0 "detect still reports its best guess" -- "$ZHFIX" detect "$FIXTURES/encoding/man-ko.euc-kr.txt"
expect_grep "detect shows the low confidence" "(confidence [0-4]%)" "$TMP/out"

# Line endings and the last line are kept as they are.
printf '第一行\r\n第二行\r\n第三行' > "$TMP/crlf.txt"
expect_status 0 "CRLF, no final newline" -- "$ZHFIX" fix "$TMP/crlf.txt"
expect_same "CRLF and missing final newline kept" "$TMP/out" "$TMP/crlf.txt"
printf '甲\n乙\r\n丙\r丁' > "$TMP/mixed-eol.txt"
expect_status 0 "mixed line endings" -- "$ZHFIX" fix --select invisible-char "$TMP/mixed-eol.txt"
expect_same "mixed line endings kept" "$TMP/out" "$TMP/mixed-eol.txt"

# Standard input, and - as a file name.
expect_status 0 "stdin" -- sh -c "'$ZHFIX' fix < '$TMP/crlf.txt'"
expect_same "stdin to stdout" "$TMP/out" "$TMP/crlf.txt"
expect_status 0 "- is stdin" -- sh -c "'$ZHFIX' fix - < '$TMP/crlf.txt'"
expect_same "- to stdout" "$TMP/out" "$TMP/crlf.txt"
expect_status 0 "stdin from a pipe" -- sh -c "cat '$TMP/crlf.txt' | '$ZHFIX' fix"
expect_same "pipe to stdout" "$TMP/out" "$TMP/crlf.txt"

# A 100 MB line: processed in bounded pieces, nothing lost.
# (40 MB in a quick run: still over twice the 16 MB a line is cut at.)
mb=100; [ "$QUICK" = 1 ] && mb=40
python3 - "$TMP/long.txt" "$mb" <<'PY'
import sys
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    unit = '中文的一行没有换行符，' * 100
    n = 0
    while n < int(sys.argv[2]) * 1024 * 1024:
        f.write(unit); n += len(unit.encode())
    f.write('\n')
PY
expect_status 0 "a 100 MB line" -- "$ZHFIX" fix "$TMP/long.txt"
expect_same "100 MB line comes back whole" "$TMP/out" "$TMP/long.txt"
# The same through a pipe (no detection shortcut, spooled).
expect_status 0 "a 100 MB line through a pipe" -- sh -c "cat '$TMP/long.txt' | '$ZHFIX' check"
rm -f "$TMP/long.txt" "$TMP/out"
finish
