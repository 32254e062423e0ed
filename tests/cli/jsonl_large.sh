# --jsonl with very long records (issue 7, hostile input): a record of
# 500 MB, made on the fly through a pipe, is passed through unchanged with
# a message naming its line while memory stays near the limit; the records
# after it are still processed. A long record within the limit is fixed in
# about its own size of memory. ZHFIX_TEST_QUICK=1 shrinks the sizes.
. "$(dirname "$0")/lib.bash"

# gen MB KIND: a record whose "text" is MB MiB of Chinese prose with line
# breaks (escaped), then a short record with a zero-width space. KIND "in"
# writes the input; "want" writes what fix makes of it when the long record
# is kept ("keep") or fixed ("fixed": its zero-width spaces removed).
cat > "$TMP/gen.py" <<'PY'
import sys
mb, kind = int(sys.argv[1]), sys.argv[2]
out = sys.stdout.buffer
zw = '' if kind == 'fixed' else '\u200b'
line = '中文的一行，有换行符%s。\\n'
unit = (line % zw).encode() * 4096
n = (mb << 20) // (len((line % '\u200b').encode()) * 4096)
out.write(b'{"id":1,"text":"')
for _ in range(n):
    out.write(unit)
out.write(b'","n":2}\n')
out.write(('{"text":"末' + ('' if kind != 'in' else '\u200b') + '行"}\n').encode())
PY
gen() { python3 "$TMP/gen.py" "$@"; }
peak_mb() { echo $(( $(tail -1 "$1") / 1024 )); }
# memory_below WHAT MB LIMIT: peak RSS checks, not under sanitizers (quick
# runs), whose shadow memory and quarantine would swamp them.
memory_below() {
  if [ "$QUICK" = 1 ]; then ok; else expect_true "$1 ($2 MB)" [ "$2" -lt "$3" ]; fi
}

if [ "$QUICK" = 1 ]; then big=24 limit=$((4 << 20)) fit=8; else big=500 limit= fit=100; fi
LIMIT=${limit:+--jsonl-max-record $limit}
shown=$(( ${limit:-67108864} ))

# 1. Over the limit (the default, 64 MiB): kept unchanged, exit 2, the
# message names line 1; the short record after it is fixed.
want=$(gen $big keep | cksum)
start=$(date +%s)
expect_status 0 "over the limit: pipeline runs" -- sh -c \
  "python3 '$TMP/gen.py' $big in | /usr/bin/time -f %M -o '$TMP/rss' '$ZHFIX' fix --jsonl --field text $LIMIT - 2>'$TMP/msg' | cksum > '$TMP/sum'"
got=$(cat "$TMP/sum")
expect_true "over the limit: output is the input with record 2 fixed ($got vs $want)" [ "$got" = "$want" ]
expect_grep "over the limit: message names the line and the limit" \
  "^zhfix: <stdin>: line 1: record longer than the limit of $shown bytes (--jsonl-max-record); kept unchanged" "$TMP/msg"
expect_true "over the limit: exit status 2 (got $(grep -c . "$TMP/msg") message lines)" grep -q "Command exited with non-zero status 2" "$TMP/rss"
rss=$(peak_mb "$TMP/rss")
echo "over the limit: ${big} MiB record, peak RSS ${rss} MB, $(( $(date +%s) - start )) s"
memory_below "over the limit: memory near the limit" "$rss" $(( shown / 1048576 * 2 + 40 ))

# 1b. The same record in a regular file, which is mapped (jsonl.c): the
# line end is looked for no further than the limit, and the record is
# copied a few MB at a time, each given back, so memory stays near the
# limit here too (the whole record before the copy was chunked: 494 MB
# for 500).
gen $big in > "$TMP/big.jsonl"
expect_status 0 "over the limit, a file: pipeline runs" -- sh -c \
  "/usr/bin/time -f %M -o '$TMP/rss' '$ZHFIX' fix --jsonl --field text $LIMIT '$TMP/big.jsonl' 2>'$TMP/msg' | cksum > '$TMP/sum'"
expect_true "over the limit, a file: exit status 2" grep -q "Command exited with non-zero status 2" "$TMP/rss"
got=$(cat "$TMP/sum")
expect_true "over the limit, a file: output as through the pipe" [ "$got" = "$want" ]
expect_grep "over the limit, a file: message names the file and the line" \
  "^zhfix: $TMP/big.jsonl: line 1: record longer than the limit of $shown bytes" "$TMP/msg"
rss=$(peak_mb "$TMP/rss")
echo "over the limit, a file: peak RSS ${rss} MB"
memory_below "over the limit, a file: memory near the limit" "$rss" $(( shown / 1048576 * 2 + 40 ))
rm -f "$TMP/big.jsonl"

# 2. The same with --jsonl-invalid=pass: a warning, exit 0.
expect_status 0 "pass: pipeline runs" -- sh -c \
  "python3 '$TMP/gen.py' $big in | /usr/bin/time -f %M -o '$TMP/rss' '$ZHFIX' fix --jsonl --field text --jsonl-invalid=pass $LIMIT - 2>'$TMP/msg' | cksum > '$TMP/sum'"
got=$(cat "$TMP/sum")
expect_true "pass: output is the input with record 2 fixed" [ "$got" = "$want" ]
expect_grep "pass: a warning" "line 1: warning: record longer than the limit of $shown bytes (--jsonl-max-record); passed through unchanged" "$TMP/msg"
expect_no_grep "pass: exit status 0" "non-zero status" "$TMP/rss"

# 3. check: the long record is not checked (exit 2), the short one is.
expect_status 2 "check: exit status 2" -- sh -c \
  "python3 '$TMP/gen.py' $big in | /usr/bin/time -f %M -o '$TMP/rss' '$ZHFIX' check --jsonl --field text $LIMIT - > '$TMP/found' 2>'$TMP/msg'"
expect_grep "check: message" "line 1: record longer than the limit of $shown bytes (--jsonl-max-record); not checked" "$TMP/msg"
expect_grep "check: record 2 checked" "^<stdin>:2:2: invisible-char" "$TMP/found"
rss=$(peak_mb "$TMP/rss")
memory_below "check: memory near the limit" "$rss" $(( shown / 1048576 * 2 + 40 ))

# 4. Within the limit: a long record is fixed block by block, in about its
# own size of memory (the record is read whole; its value is not copied).
want=$(gen $fit fixed | cksum)
expect_status 0 "within the limit: pipeline runs" -- sh -c \
  "python3 '$TMP/gen.py' $fit in | /usr/bin/time -f %M -o '$TMP/rss' '$ZHFIX' fix --jsonl --field text --jsonl-max-record 1073741824 - 2>'$TMP/msg' | cksum > '$TMP/sum'"
got=$(cat "$TMP/sum")
expect_true "within the limit: every zero-width space removed" [ "$got" = "$want" ]
expect_no_grep "within the limit: exit status 0" "non-zero status" "$TMP/rss"
rss=$(peak_mb "$TMP/rss")
echo "within the limit: ${fit} MiB record fixed, peak RSS ${rss} MB"
memory_below "within the limit: memory under 1.5 times the record" "$rss" $(( fit * 3 / 2 + 30 ))

# 5. A record of tiny values: its tokens (20 bytes each) may take no more
# than the limit, or it is kept unchanged like a longer record.
python3 -c "
import sys
n = int(sys.argv[1]) << 20
sys.stdout.write('{\"text\":\"中\u200b文\",\"v\":[' + ','.join(['1'] * (n // 2)) + ']}\n{\"text\":\"末\u200b行\"}\n')" $([ "$QUICK" = 1 ] && echo 1 || echo 8) > "$TMP/tok.jsonl"
expect_status 2 "tiny values: exit 2" -- /usr/bin/time -f %M -o "$TMP/rss" "$ZHFIX" fix --jsonl --field text $LIMIT "$TMP/tok.jsonl"
expect_grep "tiny values: message" "line 1: record of [0-9]* JSON tokens, which would take more memory than the limit of $shown bytes (--jsonl-max-record); kept unchanged" "$TMP/err"
expect_true "tiny values: record 1 kept, record 2 fixed" cmp -s "$TMP/out" <(sed '2s/\xe2\x80\x8b//' "$TMP/tok.jsonl")
rss=$(peak_mb "$TMP/rss")
memory_below "tiny values: memory near the record's size" "$rss" 60
expect_status 0 "tiny values under a higher limit: fixed" -- "$ZHFIX" fix --jsonl --field text --jsonl-max-record 1073741824 "$TMP/tok.jsonl"
expect_true "tiny values under a higher limit: both records fixed" cmp -s "$TMP/out" <(sed 's/\xe2\x80\x8b//' "$TMP/tok.jsonl")

# 6. --diff cannot show an over-long record as context: the file stops
# there, with exit 2 and a message.
printf '{"text":"%s"}\n{"text":"末\xe2\x80\x8b行"}\n' "$(head -c 3000 /dev/zero | tr '\0' a)" > "$TMP/d.jsonl"
expect_status 2 "--diff and an over-long record" -- "$ZHFIX" fix --diff --jsonl --field text --jsonl-max-record 1000 "$TMP/d.jsonl"
expect_grep "--diff: message" "line 1: record longer than the limit of 1000 bytes (--jsonl-max-record); with --diff the rest of the file is not processed" "$TMP/err"

# 7. A mapped file that another program truncates while zhfix reads it:
# once zhfix writes, it is held on a full pipe (a FIFO read no further
# yet), the file is cut to nothing, then the pipe drained. The records past the cut are gone, so
# zhfix stops, but with exit 2 and a message naming the file, not SIGBUS;
# with -j the helper threads read records too.
for jobs in 1 2; do
  python3 -c "
import json, sys
with open(sys.argv[1], 'w') as f:
    for i in range(200000):
        f.write(json.dumps({'id': i, 'text': '中文文本，第%d行。這是測試。' % i}, ensure_ascii=False) + '\n')
" "$TMP/cut.jsonl"
  rm -f "$TMP/cut.fifo"
  mkfifo "$TMP/cut.fifo"
  ( "$ZHFIX" fix -j$jobs --jsonl --field text "$TMP/cut.jsonl" > "$TMP/cut.fifo" 2> "$TMP/cut.err"
    echo $? > "$TMP/cut.rc" ) &
  exec 3< "$TMP/cut.fifo"
  head -c 1 <&3 > /dev/null # zhfix has mapped the file and is writing
  : > "$TMP/cut.jsonl"
  cat <&3 > /dev/null
  exec 3<&-
  wait
  expect_true "truncated while mapped (-j$jobs): exit 2, not a signal ($(cat "$TMP/cut.rc"))" [ "$(cat "$TMP/cut.rc")" = 2 ]
  expect_grep "truncated while mapped (-j$jobs): message names the file" "zhfix: $TMP/cut.jsonl: the file shrank while it was read" "$TMP/cut.err"
done
finish
