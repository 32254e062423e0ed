# -i rewrites atomically and keeps what it should; --diff changes nothing.
. "$(dirname "$0")/lib.bash"

# U+200B zero-width spaces inside Chinese text: the invisible-char rule.
printf '中\xe2\x80\x8b文\n第二行\n' > "$TMP/a.txt"
printf '中文\n第二行\n' > "$TMP/a.want"
chmod 640 "$TMP/a.txt"
cp "$TMP/a.txt" "$TMP/a.orig"

expect_status 0 "--diff" -- "$ZHFIX" fix --diff "$TMP/a.txt"
expect_same "--diff changes nothing" "$TMP/a.txt" "$TMP/a.orig"
expect_grep "diff header" "^--- $TMP/a.txt" "$TMP/out"
expect_grep "diff hunk" "^@@ -1,2 +1,2 @@" "$TMP/out"
expect_grep "diff new line" "^+中文$" "$TMP/out"
# The diff applies with patch(1) when it is installed.
if command -v patch >/dev/null; then
  cp "$TMP/a.orig" "$TMP/p.txt"
  sed "s#$TMP/a.txt#$TMP/p.txt#g" "$TMP/out" > "$TMP/a.diff"
  expect_status 0 "patch applies the diff" -- patch -s "$TMP/p.txt" "$TMP/a.diff"
  expect_same "patched equals fixed" "$TMP/p.txt" "$TMP/a.want"
fi

expect_status 0 "-i" -- "$ZHFIX" fix -i "$TMP/a.txt"
expect_same "-i rewrote the file" "$TMP/a.txt" "$TMP/a.want"
expect_true "mode kept" test "$(stat -c %a "$TMP/a.txt")" = 640
expect_true "no temp file left" test -z "$(ls -A "$TMP" | grep zhfix-)"
expect_true "-i prints nothing" test ! -s "$TMP/out"

# A clean file is not touched at all (same inode, same mtime).
touch -d '2001-01-01' "$TMP/a.txt"
before=$(stat -c '%i %Y' "$TMP/a.txt")
expect_status 0 "-i on a clean file" -- "$ZHFIX" fix -i "$TMP/a.txt"
expect_true "clean file untouched" test "$(stat -c '%i %Y' "$TMP/a.txt")" = "$before"

# --backup keeps the original.
cp "$TMP/a.orig" "$TMP/b.txt"
expect_status 0 "--backup" -- "$ZHFIX" fix -i --backup "$TMP/b.txt"
expect_same "backup is the original" "$TMP/b.txt~" "$TMP/a.orig"
expect_same "file is fixed" "$TMP/b.txt" "$TMP/a.want"
cp "$TMP/a.orig" "$TMP/c.txt"
expect_status 0 "--backup=.bak" -- "$ZHFIX" fix -i --backup=.bak "$TMP/c.txt"
expect_same "backup with suffix" "$TMP/c.txt.bak" "$TMP/a.orig"

# A symlink is followed: the target is rewritten, the link stays a link.
cp "$TMP/a.orig" "$TMP/target.txt"
ln -s target.txt "$TMP/link.txt"
expect_status 0 "-i through a symlink" -- "$ZHFIX" fix -i "$TMP/link.txt"
expect_true "link is still a link" test -L "$TMP/link.txt"
expect_same "target rewritten" "$TMP/target.txt" "$TMP/a.want"

# A GBK file rewritten in place stays GBK.
printf '中\xe2\x80\x8b文，第二行\n' | iconv -f UTF-8 -t GB18030 > "$TMP/g.txt"
printf '中文，第二行\n' | iconv -f UTF-8 -t GBK > "$TMP/g.want"
expect_status 0 "-i --from-encoding gb18030" -- "$ZHFIX" fix -i --from-encoding gb18030 "$TMP/g.txt"
expect_same "GB18030 file stays GB18030" "$TMP/g.txt" "$TMP/g.want"

# Several files: one bad one does not stop the others.
cp "$TMP/a.orig" "$TMP/d.txt"
expect_status 2 "-i with a missing file" -- "$ZHFIX" fix -i "$TMP/nope.txt" "$TMP/d.txt"
expect_same "the other file was fixed" "$TMP/d.txt" "$TMP/a.want"

# A read-only directory (as a non-root user): the original stays.
if [ "$(id -u)" != 0 ]; then
  mkdir "$TMP/ro"; cp "$TMP/a.orig" "$TMP/ro/e.txt"; chmod 555 "$TMP/ro"
  expect_status 2 "read-only directory" -- "$ZHFIX" fix -i "$TMP/ro/e.txt"
  expect_same "original untouched in a read-only dir" "$TMP/ro/e.txt" "$TMP/a.orig"
  chmod 755 "$TMP/ro"
fi
finish
