#!/usr/bin/env bash
# Memcheck over a subset of the suite: the pipeline suite, the fuzz seed
# replays, and a few CLI commands (fix, check, convert, detect, -i, stdin)
# on real prose. Any error or definite/possible leak fails (valgrind exits
# 99 then). test_alloc runs under ASan in CI (its wrapped allocator works
# there); under valgrind it takes minutes, so it is left out here.
#
#   tests/valgrind.sh [BUILD_DIR]     (default: build; not an ASan build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
if grep -q 'ZHFIX_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "$build is an ASan build; valgrind needs a plain one" >&2; exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg() {
  echo "== valgrind: ${*##*/}"
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,possible \
    --errors-for-leak-kinds=definite,possible --track-origins=yes "$@"
}
failed=0
# expect STATUS COMMAND...: the command's own status must be STATUS.
expect() {
  local want=$1; shift
  "$@"
  local got=$?
  if [ "$got" != "$want" ]; then echo "FAILED (exit $got, want $want): ${*##*/}" >&2; failed=1; fi
}
set +e

# Check suites, in this process (no fork) so leaks are seen.
export CK_FORK=no
expect 0 vg "$build/tests/test_pipeline"
for t in decode check fix convert protect; do
  expect 0 vg "$build/tests/fuzz/replay_$t" "$root/tests/fuzz/seeds/$t"
done

# The CLI on real prose with defects added.
python3 "$root/tests/corpus/prose.py" fortunes | head -c 300000 |
  sed 's/，/\xe2\x80\x8b，/g' > "$tmp/prose.txt"
zhfix=$build/zhfix
expect 0 vg "$zhfix" fix "$tmp/prose.txt" > "$tmp/out"
expect 1 vg "$zhfix" check --format json "$tmp/prose.txt" > "$tmp/out"
expect 0 vg "$zhfix" convert --to traditional "$tmp/prose.txt" > "$tmp/out"
expect 0 vg "$zhfix" detect "$tmp/prose.txt" > "$tmp/out"
cp "$tmp/prose.txt" "$tmp/inplace.txt"
expect 0 vg "$zhfix" fix -i --backup "$tmp/inplace.txt"
iconv -f UTF-8 -t GB18030 "$tmp/prose.txt" > "$tmp/gb.txt"
expect 0 vg "$zhfix" fix "$tmp/gb.txt" --from-encoding gb18030 > "$tmp/out"
expect 0 sh -c "cat '$tmp/gb.txt' | valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,possible '$zhfix' fix > '$tmp/out'"
[ "$failed" = 0 ] && echo "valgrind: no errors"
exit "$failed"
