# --jsonl --field: only the named string fields change; every other byte of
# each record is kept; malformed records are errors naming their line.
. "$(dirname "$0")/lib.bash"

Z=$'\xe2\x80\x8b' # U+200B, removed by the invisible-char rule

# Odd spacing, key order, escapes in other fields, CRLF, a blank line, a
# record without a final newline.
{
  printf '{ "id" :7 ,"text":"中%s文",  "url":"http:\\/\\/x.cn\\/a","note":"caf\\u00e9\\t\\"q\\""}\n' "$Z"
  printf '{"text":"\\u4e2d\\u200b\\u6587\\ud83d\\ude00","z":[1,-2.5E+3,true,false,null,{}]}\r\n'
  printf '\n'
  printf '{"meta":{"title":"汉%s字","text":"不%s动"},"text":{"nested":"对象%s"},"n":1}\n' "$Z" "$Z" "$Z"
  printf '{"other":"中%s文","text":42}\n' "$Z"
  printf '{"text":"干净的一行。","x":"\\u4e2d"}\n'
  printf '{"text":"末%s行"}' "$Z"
} > "$TMP/a.jsonl"
{
  printf '{ "id" :7 ,"text":"中文",  "url":"http:\\/\\/x.cn\\/a","note":"caf\\u00e9\\t\\"q\\""}\n'
  printf '{"text":"\\u4e2d\\u6587\\ud83d\\ude00","z":[1,-2.5E+3,true,false,null,{}]}\r\n'
  printf '\n'
  printf '{"meta":{"title":"汉字","text":"不%s动"},"text":{"nested":"对象%s"},"n":1}\n' "$Z" "$Z"
  printf '{"other":"中%s文","text":42}\n' "$Z"
  printf '{"text":"干净的一行。","x":"\\u4e2d"}\n'
  printf '{"text":"末行"}'
} > "$TMP/a.want"

expect_status 0 "fix --jsonl" -- "$ZHFIX" fix --jsonl --field text --field meta.title "$TMP/a.jsonl"
expect_same "only the named string fields changed, in their own style" "$TMP/out" "$TMP/a.want"

# A clean corpus comes back byte-identical.
expect_status 0 "clean corpus" -- "$ZHFIX" fix --jsonl --field text "$TMP/a.want"
expect_same "clean corpus is byte-identical" "$TMP/out" "$TMP/a.want"

# Records written by Python's json.dumps, with and without ensure_ascii: the
# result is what json.dumps writes for the repaired record.
python3 - "$TMP" <<'PY'
import json, sys
d = sys.argv[1]
recs = [{"text": "汉字\u200b转换😀", "id": i, "tags": ["新闻", "/a/b"],
         "meta": {"src": "网页\u200b", "title": "标\u200b题\n第二行"}} for i in range(3)]
recs.append({"text": "no Chinese \"quoted\" \\ here", "id": 9})
def fixed(r, conv):
    r = json.loads(json.dumps(r))
    r["text"] = r["text"].replace("\u200b", "")
    if "meta" in r:
        r["meta"]["title"] = r["meta"]["title"].replace("\u200b", "")
    if conv:
        r["text"] = r["text"].translate(str.maketrans("汉转换标题", "漢轉換標題"))
    return r
for name, kw in (("ascii", {}), ("utf8", {"ensure_ascii": False}),
                 ("spaced", {"ensure_ascii": False, "indent": None, "separators": (" , ", " : ")})):
    with open(f"{d}/{name}.jsonl", "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, **kw) + "\n")
    with open(f"{d}/{name}.want", "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(fixed(r, False), **kw) + "\n")
PY
for style in ascii utf8 spaced; do
  expect_status 0 "json.dumps $style" -- "$ZHFIX" fix --jsonl --field text --field meta.title "$TMP/$style.jsonl"
  expect_same "json.dumps $style: same bytes as Python writes" "$TMP/out" "$TMP/$style.want"
done
expect_grep "ascii style kept (\\u escapes, surrogate pair)" '"text": "\\u6c49\\u5b57\\u8f6c\\u6362\\ud83d\\ude00"' "$TMP/ascii.want"

# convert --to traditional: the field is converted, in its style.
printf '{"text":"汉字","k":"汉字"}\n{"text":"\\u6c49\\u5b57"}\n' > "$TMP/c.jsonl"
printf '{"text":"漢字","k":"汉字"}\n{"text":"\\u6f22\\u5b57"}\n' > "$TMP/c.want"
expect_status 0 "convert --jsonl" -- "$ZHFIX" convert --to traditional --jsonl --field text "$TMP/c.jsonl"
expect_same "converted field, other field untouched" "$TMP/out" "$TMP/c.want"

# Dotted paths; a key with a dot is written with a backslash.
printf '{"a.b":"甲%s乙","a":{"b":"丙%s丁"}}\n' "$Z" "$Z" > "$TMP/d.jsonl"
printf '{"a.b":"甲乙","a":{"b":"丙%s丁"}}\n' "$Z" > "$TMP/d.want"
expect_status 0 "escaped dot" -- "$ZHFIX" fix --jsonl --field 'a\.b' "$TMP/d.jsonl"
expect_same "a\\.b names the key with a dot" "$TMP/out" "$TMP/d.want"
printf '{"a.b":"甲%s乙","a":{"b":"丙丁"}}\n' "$Z" > "$TMP/d.want"
expect_status 0 "dotted path" -- "$ZHFIX" fix --jsonl --field a.b "$TMP/d.jsonl"
expect_same "a.b is b inside a" "$TMP/out" "$TMP/d.want"

# check: FILE:LINE:COL with the column inside the decoded value, and the
# field's name.
expect_status 1 "check --jsonl" -- "$ZHFIX" check --jsonl --field text --field meta.title "$TMP/a.jsonl"
expect_grep "line and column of the record" "^$TMP/a.jsonl:1:2: invisible-char: .*(field text)" "$TMP/out"
expect_grep "column counts decoded characters" "^$TMP/a.jsonl:2:2: invisible-char: .*(field text)" "$TMP/out"
expect_grep "nested field named" "^$TMP/a.jsonl:4:2: invisible-char: .*(field meta.title)" "$TMP/out"
expect_grep "last line" "^$TMP/a.jsonl:7:2: " "$TMP/out"
expect_true "four findings" test "$(wc -l < "$TMP/out")" = 4
expect_status 1 "check --jsonl --format json" -- "$ZHFIX" check --format json --jsonl --field text "$TMP/a.jsonl"
cp "$TMP/out" "$TMP/findings.json"
expect_status 0 "json findings carry the field" -- python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [(r["line"], r["column"], r["field"]) for r in rows] == [(1, 2, "text"), (2, 2, "text"), (7, 2, "text")], rows' "$TMP/findings.json"

# --diff and --explain.
expect_status 0 "--diff" -- "$ZHFIX" fix --diff --jsonl --field text "$TMP/c.want" "$TMP/a.jsonl"
expect_grep "diff of the changed record" '^+{"text":"末行"}' "$TMP/out"
expect_no_grep "clean file has no diff" "c.want" "$TMP/out"
expect_status 0 "--explain" -- "$ZHFIX" fix --explain --jsonl --field text "$TMP/a.jsonl"
expect_grep "explain names the field" "a.jsonl:1:2: invisible-char: (field text)" "$TMP/err"

# Malformed records: an error naming the line, exit 2; the other records
# are processed and nothing is lost.
{
  printf '{"text":"好%s"}\n' "$Z"
  printf '{"text": "b",}\n'
  printf '{"text":tru}\n'
  printf '{"text":"\\ud800"}\n'
  printf '{"text":"a"} x\n'
  printf '{"text":"a\x01"}\n'
  printf '{"text":"\xff"}\n'
  printf '[1 2]\n'
  printf '{"text":"尾%s"}\n' "$Z"
} > "$TMP/bad.jsonl"
expect_status 2 "malformed records" -- "$ZHFIX" fix --jsonl --field text "$TMP/bad.jsonl"
for n in 2 3 4 5 6 7 8; do
  expect_grep "line $n named" "^zhfix: $TMP/bad.jsonl: line $n: " "$TMP/err"
done
expect_true "seven errors" test "$(wc -l < "$TMP/err")" = 7
expect_true "every record is in the output" test "$(wc -l < "$TMP/out")" = 9
expect_grep "records after a bad one are repaired" '^{"text":"尾"}$' "$TMP/out"
expect_status 0 "--jsonl-invalid=pass" -- "$ZHFIX" fix --jsonl --field text --jsonl-invalid=pass "$TMP/bad.jsonl"
expect_grep "pass: a warning naming the line" "^zhfix: $TMP/bad.jsonl: line 2: warning: malformed JSON" "$TMP/err"
sed -n '2,8p' "$TMP/bad.jsonl" > "$TMP/bad.mid"
sed -n '2,8p' "$TMP/out" > "$TMP/out.mid"
expect_same "pass: malformed lines passed through unchanged" "$TMP/out.mid" "$TMP/bad.mid"
expect_status 2 "check on malformed records" -- "$ZHFIX" check --jsonl --field text "$TMP/bad.jsonl"
expect_status 2 "--jsonl-invalid takes error or pass" -- "$ZHFIX" fix --jsonl --field text --jsonl-invalid=skip "$TMP/a.jsonl"

# What is malformed agrees with Python's json module (NaN and Infinity,
# which Python takes, aside) over thousands of mutated records.
python3 - "$TMP/fuzz.jsonl" <<'PY'
import random, sys
random.seed(7)
base = ['{"text":"中文","a":[1,2.5,-3e2,true,false,null],"b":{"c":"d\\u00e9"}}',
        '[{"x":1},{"y":[[]]},"s"]', '{"a":{}}', '"str"', '12', '-0.5e+3', 'null',
        '{"k":"v","k":"w"}']
alphabet = list('{}[]:,"\\ 1-.eE+tfnul0a\t') + ['\u00e9', '\\u', '\\ud800']
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(5000):
        s = random.choice(base)
        for _ in range(random.randint(0, 3)):
            op, pos = random.random(), random.randint(0, len(s))
            if op < 0.4:
                s = s[:pos] + random.choice(alphabet) + s[pos:]
            elif op < 0.8:
                s = s[:pos] + s[pos + 1:]
            else:
                p2 = random.randint(0, len(s)); s = s[:pos] + s[p2:p2 + 3] + s[pos:]
        f.write(s + "\n")
PY
expect_status 2 "mutated records" -- "$ZHFIX" check --jsonl --field none "$TMP/fuzz.jsonl"
cp "$TMP/err" "$TMP/fuzz.err"
expect_status 0 "zhfix rejects exactly what Python's json rejects" -- python3 -c '
import json, sys
def ok(s):
    if not s.strip():
        return True
    try:
        json.loads(s, parse_constant=lambda c: {}[c])
        return True
    except Exception:
        return False
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
bad = {int(l.split(": line ")[1].split(":")[0]) for l in open(sys.argv[2]) if ": line " in l}
wrong = [(i + 1, s) for i, s in enumerate(lines) if ok(s) == (i + 1 in bad)]
assert len(bad) > 1000 and not wrong, (len(bad), wrong[:5])' "$TMP/fuzz.jsonl" "$TMP/fuzz.err"

# -i is atomic: a malformed record leaves the file untouched.
cp "$TMP/bad.jsonl" "$TMP/bad.orig"
expect_status 2 "-i with a malformed record" -- "$ZHFIX" fix -i --jsonl --field text "$TMP/bad.jsonl"
expect_same "-i: file untouched" "$TMP/bad.jsonl" "$TMP/bad.orig"
expect_true "-i: no temp file left" test -z "$(ls -A "$TMP" | grep zhfix-)"
cp "$TMP/a.jsonl" "$TMP/i.jsonl"
expect_status 0 "-i" -- "$ZHFIX" fix -i --jsonl --field text --field meta.title "$TMP/i.jsonl"
expect_same "-i rewrote the corpus" "$TMP/i.jsonl" "$TMP/a.want"
expect_status 0 "-i --jsonl-invalid=pass" -- "$ZHFIX" fix -i --jsonl --field text --jsonl-invalid=pass "$TMP/bad.jsonl"
expect_grep "-i pass: good records repaired" '^{"text":"好"}$' "$TMP/bad.jsonl"

# Standard input and -j.
expect_status 0 "stdin" -- sh -c "'$ZHFIX' fix --jsonl --field text --field meta.title < '$TMP/a.jsonl'"
expect_same "stdin gives the same" "$TMP/out" "$TMP/a.want"
"$ZHFIX" fix -j 1 --jsonl --field text "$TMP/a.jsonl" "$TMP/bad.orig" "$TMP/ascii.jsonl" > "$TMP/o1" 2> "$TMP/e1"
"$ZHFIX" fix -j 3 --jsonl --field text "$TMP/a.jsonl" "$TMP/bad.orig" "$TMP/ascii.jsonl" > "$TMP/o3" 2> "$TMP/e3"
expect_same "-j 3 stdout" "$TMP/o1" "$TMP/o3"
expect_same "-j 3 stderr" "$TMP/e1" "$TMP/e3"

# Usage.
expect_status 2 "--field without --jsonl" -- "$ZHFIX" fix --field text "$TMP/a.jsonl"
expect_status 2 "--jsonl without --field" -- "$ZHFIX" fix --jsonl "$TMP/a.jsonl"
expect_status 2 "--jsonl with detect" -- "$ZHFIX" detect --jsonl --field text "$TMP/a.jsonl"
expect_status 2 "--jsonl with another encoding" -- "$ZHFIX" fix --jsonl --field text --from-encoding gbk "$TMP/a.jsonl"

# The record limit: a clear error naming the line.
expect_status 2 "record over --jsonl-max-record" -- "$ZHFIX" fix --jsonl --field text --jsonl-max-record 40 "$TMP/a.jsonl"
expect_grep "limit error names the line" "^zhfix: $TMP/a.jsonl: line 1: record .*--jsonl-max-record" "$TMP/err"

# A 50 MB record: processed whole, memory proportional to it.
python3 - "$TMP/big.jsonl" "$TMP/big.want" <<'PY'
import json, sys
unit = "中文的一行，没有换行符。" * 1000
n = 50 * 1024 * 1024 // len(unit.encode())
body = unit * n
rec = {"id": 1, "text": body[:len(body)//2] + "\u200b" + body[len(body)//2:], "k": "v"}
small = {"id": 2, "text": "小\u200b记录"}
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(json.dumps(small, ensure_ascii=False) + "\n" + json.dumps(rec, ensure_ascii=False) + "\n" + json.dumps(small) + "\n")
rec["text"] = body; small["text"] = "小记录"
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(json.dumps(small, ensure_ascii=False) + "\n" + json.dumps(rec, ensure_ascii=False) + "\n" + json.dumps(small) + "\n")
PY
python3 - "$ZHFIX" "$TMP/big.jsonl" "$TMP/out" > "$TMP/rss" <<'PY'
import resource, subprocess, sys
with open(sys.argv[3], "wb") as out:
    rc = subprocess.run([sys.argv[1], "fix", "--jsonl", "--field", "text", sys.argv[2]], stdout=out).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
read -r rc rss < "$TMP/rss"
expect_true "50 MB record: exit 0" test "$rc" = 0
expect_same "50 MB record repaired, the rest kept" "$TMP/out" "$TMP/big.want"
echo "peak RSS on a 50 MB record: $rss MB"
expect_true "50 MB record: peak RSS under 600 MB (is $rss)" test "$rss" -lt 600
rm -f "$TMP/big.jsonl" "$TMP/big.want" "$TMP/out"
# -j on one JSON Lines input: records read side by side in batches give
# what one thread gives (output, messages, exit status), with a byte-order
# mark on line 1, malformed records, records over --jsonl-max-record, long
# fields written block by block, and no final newline.
prose all | head -c 6000000 > "$TMP/jp.txt"
python3 - "$TMP/jp.txt" > "$TMP/big.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding='utf-8', errors='ignore').read().split('\n')
out = ['\ufeff']
for i in range(0, len(lines) - 3, 3):
    text = '\n'.join(lines[i:i + 3]).replace('的', '的\u200b', 1)
    rec = json.dumps({'id': i, 'text': text, 'meta': {'title': lines[i][:12]}},
                     ensure_ascii=i % 2 == 0)
    if i % 997 == 0:
        rec = rec[:-1]                       # malformed: cut short
    if i % 1999 == 0:
        rec = json.dumps({'id': i, 'text': 'x' * 300000})   # over the limit below
    out.append(rec + '\n')
out.append(json.dumps({'text': '长字段的\u200b一行。' * 400000}) + '\n')  # > 2 MiB field
out.append('{"text":"末\u200b行"}')
sys.stdout.write(''.join(out))
PY
expect_true "JSON Lines input of several batches" test "$(wc -c < "$TMP/big.jsonl")" -gt $((4 << 20))
for cmd in "fix" "convert --to traditional"; do
  for max in "" "--jsonl-max-record 200000" "--jsonl-max-record 200000 --jsonl-invalid=pass"; do
    "$ZHFIX" $cmd --jsonl --field text --field meta.title $max -j 1 "$TMP/big.jsonl" > "$TMP/jo1" 2> "$TMP/je1"; s1=$?
    for n in 2 3; do
      "$ZHFIX" $cmd --jsonl --field text --field meta.title $max -j $n "$TMP/big.jsonl" > "$TMP/jon" 2> "$TMP/jen"; sn=$?
      expect_true "$cmd $max -j $n: exit status of -j 1 ($s1)" test "$s1" = "$sn"
      expect_same "$cmd $max -j $n: output of -j 1" "$TMP/jo1" "$TMP/jon"
      expect_same "$cmd $max -j $n: messages of -j 1" "$TMP/je1" "$TMP/jen"
    done
  done
done
"$ZHFIX" fix --jsonl --field text -j 1 "$TMP/big.jsonl" > "$TMP/jo1" 2> "$TMP/je1"
expect_grep "-j: malformed records named" "line 998: malformed JSON" "$TMP/je1"
expect_true "-j: zero-width spaces removed but in the records kept" \
  test "$(grep -c $'的\u200b' "$TMP/jo1")" -lt "$(grep -c $'的\u200b' "$TMP/big.jsonl")"
cat "$TMP/big.jsonl" | "$ZHFIX" fix --jsonl --field text -j 4 > "$TMP/jon" 2>/dev/null
expect_same "-j 4 through a pipe: output of -j 1" "$TMP/jo1" "$TMP/jon"
# In place the file is rewritten only without errors: malformed and long
# records passed through with a warning.
pass="--jsonl-invalid=pass --jsonl-max-record 200000"
"$ZHFIX" fix --jsonl --field text $pass -j 1 "$TMP/big.jsonl" > "$TMP/jo1" 2>/dev/null
cp "$TMP/big.jsonl" "$TMP/inplace.jsonl"
expect_status 0 "-j 2 in place" -- "$ZHFIX" fix --jsonl --field text $pass -j 2 -i "$TMP/inplace.jsonl"
expect_same "-j 2 in place: output of -j 1" "$TMP/inplace.jsonl" "$TMP/jo1"
finish
