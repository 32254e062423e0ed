# check: the three output formats, statistics, exit codes, Markdown and
# CSV awareness, suppression comments and the project config file.
. "$(dirname "$0")/lib.bash"

printf '第一行\n中\xe2\x80\x8b文和\xe2\x80\x8b字\n' > "$TMP/a.txt"
printf '干净的一行。\n' > "$TMP/clean.txt"

expect_status 1 "check finds" -- "$ZHFIX" check "$TMP/a.txt" "$TMP/clean.txt"
expect_grep "compiler format with line and column" "^$TMP/a.txt:2:2: invisible-char: " "$TMP/out"
expect_grep "second finding" "^$TMP/a.txt:2:5: invisible-char: " "$TMP/out"
expect_grep "invisible characters shown escaped" 'zero-width space: "\\u200b" -> ""' "$TMP/out"
expect_no_grep "clean file not mentioned" "clean.txt" "$TMP/out"
expect_grep "summary on stderr" "2 findings in 1 file" "$TMP/err"
expect_status 0 "clean file" -- "$ZHFIX" check "$TMP/clean.txt"
expect_true "clean: no output" test ! -s "$TMP/out"
expect_status 1 "quiet" -- "$ZHFIX" check -q "$TMP/a.txt"
expect_true "quiet: no summary" test ! -s "$TMP/err"

# A mojibake finding names the decoding once, after the rule's id.
printf '\xe6\xb6\x93\xe6\x9e\x83\xe9\x90\xa8\xe5\x8b\xac\xe6\x9e\x83\xe6\xb5\xa0\xe8\xb7\xba\xe6\x82\x95\n' > "$TMP/moji.txt"
expect_status 1 "check finds mojibake" -- "$ZHFIX" check "$TMP/moji.txt"
expect_grep "mojibake finding" "^$TMP/moji.txt:1:1: mojibake: utf-8 text decoded as gbk: " "$TMP/out"
expect_no_grep "rule id not repeated" "mojibake: mojibake" "$TMP/out"

# JSON Lines: every line an object with the documented fields.
expect_status 1 "json" -- "$ZHFIX" check --format json "$TMP/a.txt"
cp "$TMP/out" "$TMP/json"
expect_status 0 "json lines parse" -- python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 2, rows
for r in rows:
    for k in ("file", "line", "column", "rule", "category", "message", "text", "replacement"):
        assert k in r, k
assert rows[0]["line"] == 2 and rows[0]["column"] == 2
assert rows[0]["text"] == "\u200b" and rows[0]["replacement"] == ""
assert rows[0]["category"] == "artifact"
' "$TMP/json"

# SARIF 2.1.0: the properties the schema requires.
expect_status 1 "sarif" -- "$ZHFIX" check --format sarif "$TMP/a.txt" "$TMP/clean.txt"
cp "$TMP/out" "$TMP/sarif"
expect_status 0 "sarif has what 2.1.0 requires" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and "sarif-2.1.0" in d["$schema"]
run = d["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "zhfix"
ids = [r["id"] for r in drv["rules"]]
assert "invisible-char" in ids
assert len(run["results"]) == 2
for res in run["results"]:
    assert res["message"]["text"]
    assert ids[res["ruleIndex"]] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("a.txt")
    assert loc["region"]["startLine"] == 2 and loc["region"]["startColumn"] >= 1
' "$TMP/sarif"
expect_status 0 "sarif with no findings is valid" -- sh -c "'$ZHFIX' check --format sarif '$TMP/clean.txt' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"runs\"][0][\"results\"] == []'"

# --statistics: counts per rule, most frequent first.
expect_status 1 "statistics" -- "$ZHFIX" check --statistics "$TMP/a.txt" "$TMP/a.txt"
expect_grep "statistics counts" "^ *4  invisible-char$" "$TMP/out"

# Markdown: code, inline code and links are left alone; .csv runs encoding rules only.
printf '中\xe2\x80\x8b文\n```\n中\xe2\x80\x8b文\n```\n`中\xe2\x80\x8b文` [中\xe2\x80\x8b文](http://x/\xe2\x80\x8b)\n' > "$TMP/doc.md"
expect_status 1 "markdown" -- "$ZHFIX" check "$TMP/doc.md"
expect_true "markdown: only prose is flagged (3 findings)" test "$(wc -l < "$TMP/out")" -eq 2
expect_grep "markdown: line 1" "doc.md:1:2:" "$TMP/out"
expect_grep "markdown: link text" "doc.md:5:" "$TMP/out"
cp "$TMP/doc.md" "$TMP/doc.txt"
expect_status 1 "the same as plain text" -- "$ZHFIX" check "$TMP/doc.txt"
expect_true "plain text: all flagged" test "$(wc -l < "$TMP/out")" -ge 4
printf 'a,中\xe2\x80\x8b文,,b\n' > "$TMP/data.csv"
expect_status 0 "csv: only encoding rules" -- "$ZHFIX" check "$TMP/data.csv"
expect_status 1 "--syntax plain overrides" -- "$ZHFIX" check --syntax plain "$TMP/data.csv"

# Lossy marks are flagged, but not where the text quotes them.
printf '复制锟斤拷丢失\n' > "$TMP/lossy.txt"
expect_status 1 "unquoted 锟斤拷 is flagged" -- "$ZHFIX" check "$TMP/lossy.txt"
expect_grep "lossy-mark finding" "lossy.txt:1:3: lossy-mark" "$TMP/out"
printf '“锟斤拷”和「烫烫烫」是两种乱码\n' > "$TMP/quoted.txt"
expect_status 0 "quoted lossy marks are a mention" -- "$ZHFIX" check "$TMP/quoted.txt"
expect_status 0 "quoted fill is kept by fix" -- "$ZHFIX" fix "$TMP/quoted.txt"
expect_same "quoted fill kept" "$TMP/out" "$TMP/quoted.txt"

# Suppression comments.
printf '中\xe2\x80\x8b文 <!-- zhfix-ignore -->\n# zhfix-disable\n中\xe2\x80\x8b文\n# zhfix-enable\n' > "$TMP/sup.txt"
expect_status 0 "suppressed lines" -- "$ZHFIX" check "$TMP/sup.txt"

# The project config, found by walking up; nearest wins; exclude.
mkdir -p "$TMP/proj/sub/deeper" "$TMP/proj/vendor"
cp "$TMP/a.txt" "$TMP/proj/sub/deeper/x.txt"
cp "$TMP/a.txt" "$TMP/proj/vendor/y.txt"
printf '# project settings\nselect = encoding\nexclude = vendor/*\n' > "$TMP/proj/.zhfix"
expect_status 0 "config select applies in subfolders" -- "$ZHFIX" check "$TMP/proj/sub/deeper/x.txt"
expect_status 0 "config exclude" -- "$ZHFIX" check --select all "$TMP/proj/vendor/y.txt"
expect_status 1 "command line overrides the config" -- "$ZHFIX" check --select all "$TMP/proj/sub/deeper/x.txt"
expect_status 1 "--no-config" -- "$ZHFIX" check --no-config "$TMP/proj/vendor/y.txt"
printf 'select = artifact\n' > "$TMP/proj/sub/.zhfix"
expect_status 1 "nearest config wins" -- "$ZHFIX" check "$TMP/proj/sub/deeper/x.txt"
printf 'selekt = all\n' > "$TMP/proj/sub/.zhfix"
expect_status 2 "malformed config is an error" -- "$ZHFIX" check "$TMP/proj/sub/deeper/x.txt"
expect_grep "malformed config named" "proj/sub/.zhfix: line 1: unknown setting" "$TMP/err"
finish
