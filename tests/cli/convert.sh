# zhfix convert is byte-identical to the opencc command on real prose,
# including CRLF and a missing final newline.
. "$(dirname "$0")/lib.bash"
command -v opencc >/dev/null || { echo "opencc command missing (Debian package opencc)"; exit 1; }

prose simplified > "$TMP/s.txt"
prose traditional > "$TMP/t.txt"
sed 's/$/\r/' "$TMP/s.txt" | head -c -2 > "$TMP/s-crlf.txt"   # CRLF, no final newline
head -c -1 "$TMP/t.txt" > "$TMP/t-nonl.txt"                    # no final newline

# OpenCC's command reads its input in chunks of about 1 MiB and converts
# each on its own, so a phrase cut by a chunk boundary converts apart (in
# 2026 the corpus's 操作系統 at one boundary). The reference is therefore
# OpenCC on pieces of whole lines under that size, joined.
opencc_by_lines() { # CONFIG INPUT OUTPUT
  rm -rf "$TMP/pieces" && mkdir "$TMP/pieces"
  split -C 256K -d -a 4 "$2" "$TMP/pieces/in."
  : > "$3"
  for piece in "$TMP/pieces"/in.*; do
    opencc -c "$1.json" -i "$piece" -o "$piece.out" 2>/dev/null
    cat "$piece.out" >> "$3"
  done
}
check_config() { # CONFIG TARGET-OPTION INPUT
  opencc_by_lines "$1" "$3" "$TMP/want"
  expect_status 0 "convert $2 $(basename "$3")" -- "$ZHFIX" convert $2 "$3"
  expect_same "convert $2 $(basename "$3") equals opencc -c $1.json" "$TMP/out" "$TMP/want"
}
for f in s.txt s-crlf.txt; do
  check_config s2t "--to traditional" "$TMP/$f"
  check_config s2tw "--to taiwan" "$TMP/$f"
  check_config s2twp "--to taiwan-phrases" "$TMP/$f"
  check_config s2hk "--to hongkong" "$TMP/$f"
done
for f in t.txt t-nonl.txt; do
  check_config t2s "--to simplified" "$TMP/$f"
  check_config t2jp "--to japanese" "$TMP/$f"
  check_config tw2sp "--opencc tw2sp" "$TMP/$f"
done
expect_true "corpus is multi-megabyte" test "$(stat -c %s "$TMP/s.txt")" -gt 2000000

# The phrase OpenCC's own command splits at its 1 MiB chunk boundary.
printf '一只猫\n' > "$TMP/cat.txt"
expect_status 0 "convert a phrase" -- "$ZHFIX" convert --to traditional "$TMP/cat.txt"
expect_grep "一只猫 -> 一隻貓" "一隻貓" "$TMP/out"

# fix --to simplified converts after repairing.
printf '產業互聯網\n' > "$TMP/trad.txt"
expect_status 0 "fix --to simplified" -- "$ZHFIX" fix --to simplified "$TMP/trad.txt"
expect_grep "fix converts" "产业互联网" "$TMP/out"
# A user's own OpenCC config by path.
expect_status 0 "--opencc with a path" -- "$ZHFIX" convert --opencc /usr/share/opencc/s2t.json "$TMP/cat.txt"
expect_grep "config path works" "一隻貓" "$TMP/out"
expect_status 2 "--opencc missing config" -- "$ZHFIX" convert --opencc /nonexistent/x.json "$TMP/cat.txt"
finish
