# zhfix is a streaming filter: GNU parallel spreads a JSON Lines corpus
# over processes (and, with --sshlogin, machines) and the output is
# byte-identical to one process. README: "Corpora, many cores, many
# machines".
. "$(dirname "$0")/lib.bash"

if ! command -v parallel >/dev/null; then
  echo "GNU parallel is not installed (Debian: parallel)" >&2
  exit 1
fi
# parallel keeps state in ~/.parallel: give it a home of its own.
export HOME="$TMP"

# A multi-MB corpus from real prose: one record per paragraph, some with
# U+200B inside the text, written the two ways Python's json.dumps writes.
prose all > "$TMP/prose.txt"
python3 - "$TMP/prose.txt" "$TMP/corpus.jsonl" <<'PY'
import json, sys
paras = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\n") if p]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    n = 0
    while f.tell() < 40 * 1000 * 1000:
        for i, p in enumerate(paras):
            if i % 7 == 0:
                p = p.replace("的", "的\u200b", 1)
            rec = {"id": n, "text": p, "meta": {"source": "debian", "n": n}}
            f.write(json.dumps(rec, ensure_ascii=(n % 2 == 0)) + "\n")
            n += 1
PY
size=$(stat -c %s "$TMP/corpus.jsonl")
expect_true "corpus is multi-MB ($size bytes)" test "$size" -gt 32000000

ZDIR=$(dirname "$ZHFIX")
export PATH="$ZDIR:$PATH"

# fix: one process against parallel --pipe, with the README's block size and
# with small blocks (many pieces, cut anywhere between records).
expect_status 0 "one process" -- "$ZHFIX" fix --jsonl --field text "$TMP/corpus.jsonl"
mv "$TMP/out" "$TMP/single"
expect_true "the corpus had something to repair" sh -c "! cmp -s '$TMP/single' '$TMP/corpus.jsonl'"
# The file is mapped, not read (jsonl.c): its records are read where they
# lie, and the pages behind them are given back as it goes, so resident
# memory stays far below the 40 MB file (about 19 MB; 60 MB if they were
# kept). Output as through a pipe, on one thread and on two.
/usr/bin/time -f %M -o "$TMP/rss" "$ZHFIX" fix -j 2 --jsonl --field text "$TMP/corpus.jsonl" > "$TMP/mapped" 2>/dev/null
expect_same "a mapped file, -j 2, is byte-identical to one process" "$TMP/mapped" "$TMP/single"
rss_mb=$(( $(tail -1 "$TMP/rss") / 1024 ))
if [ "$QUICK" = 1 ]; then ok; else expect_true "mapped pages are given back ($rss_mb MB)" [ "$rss_mb" -lt 32 ]; fi
"$ZHFIX" fix -j 1 --jsonl --field text < "$TMP/corpus.jsonl" > "$TMP/piped"
expect_same "through a pipe, -j 1, is byte-identical" "$TMP/piped" "$TMP/single"
expect_status 0 "parallel --pipe --block 16M -k" -- sh -c "parallel --pipe --block 16M -k zhfix fix -j 1 --jsonl --field text < '$TMP/corpus.jsonl'"
expect_same "parallel (16M blocks) is byte-identical to one process" "$TMP/out" "$TMP/single"
expect_status 0 "parallel --pipe --block 1M -k" -- sh -c "parallel --pipe --block 1M -k zhfix fix -j 1 --jsonl --field text < '$TMP/corpus.jsonl'"
expect_same "parallel (1M blocks) is byte-identical to one process" "$TMP/out" "$TMP/single"
# --pipe-part reads the file itself (faster on a seekable file).
expect_status 0 "parallel --pipe-part" -- parallel --pipe-part -a "$TMP/corpus.jsonl" --block 4M -k zhfix fix -j 1 --jsonl --field text
expect_same "parallel --pipe-part is byte-identical" "$TMP/out" "$TMP/single"

# convert --to traditional the same way.
head -c 8000000 "$TMP/corpus.jsonl" | sed '$d' > "$TMP/small.jsonl"
expect_status 0 "convert, one process" -- "$ZHFIX" convert --to traditional --jsonl --field text "$TMP/small.jsonl"
mv "$TMP/out" "$TMP/single"
expect_status 0 "convert under parallel" -- sh -c "parallel --pipe --block 1M -k zhfix convert --to traditional --jsonl --field text < '$TMP/small.jsonl'"
expect_same "parallel convert is byte-identical" "$TMP/out" "$TMP/single"

# check and fix --explain with -j 2 read a file's records on two threads
# (jsonl.c), each thread's findings kept in memory and released in order:
# the same output as one thread in each format, and the summary counts the
# one file once although both threads found something in it.
for fmt in text json sarif; do
  expect_status 1 "check --format $fmt -j 1" -- "$ZHFIX" check -j 1 --format "$fmt" --jsonl --field text "$TMP/small.jsonl"
  mv "$TMP/out" "$TMP/check.out"; mv "$TMP/err" "$TMP/check.err"
  expect_status 1 "check --format $fmt -j 2" -- "$ZHFIX" check -j 2 --format "$fmt" --jsonl --field text "$TMP/small.jsonl"
  expect_same "check --format $fmt: -j 2 as -j 1" "$TMP/out" "$TMP/check.out"
  expect_same "check --format $fmt: the same summary" "$TMP/err" "$TMP/check.err"
done
expect_grep "one file counted once" "findings in 1 file$" "$TMP/err"
expect_true "-j 2 SARIF is one JSON document" python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$TMP/out"
expect_status 1 "check --statistics -j 2" -- "$ZHFIX" check -j 2 --statistics --jsonl --field text "$TMP/small.jsonl"
expect_grep "statistics count the invisible characters" "invisible-char" "$TMP/out"
expect_status 0 "fix --explain -j 1" -- "$ZHFIX" fix -j 1 --explain --jsonl --field text "$TMP/small.jsonl"
mv "$TMP/out" "$TMP/explain.out"; mv "$TMP/err" "$TMP/explain.err"
expect_status 0 "fix --explain -j 2" -- "$ZHFIX" fix -j 2 --explain --jsonl --field text "$TMP/small.jsonl"
expect_same "fix --explain: -j 2 writes the same text" "$TMP/out" "$TMP/explain.out"
expect_same "fix --explain: -j 2 explains the same, in order" "$TMP/err" "$TMP/explain.err"

# A malformed record fails the piece it is in, and parallel says so.
{ head -n 1000 "$TMP/corpus.jsonl"; echo '{"text": broken}'; sed -n '1001,2000p' "$TMP/corpus.jsonl"; } > "$TMP/bad.jsonl"
expect_status 2 "a malformed record under parallel: exit 2" -- sh -c "parallel --halt now,fail=1 --pipe --block 1M -k zhfix fix --jsonl --field text < '$TMP/bad.jsonl' > /dev/null"
expect_grep "the message names the record's line within its piece" "line [0-9]*: malformed JSON" "$TMP/err"
finish
