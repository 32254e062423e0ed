# Shared by the CLI tests: each test script is run by ctest as
#   bash tests/cli/NAME.sh PATH/TO/zhfix PATH/TO/fixtures
# and ends with `finish`, which prints "N passed, N failed" and fails the
# test if any check failed.
set -u
ZHFIX=$(realpath "$1")
FIXTURES=$(realpath "$2")
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect_status N DESCRIPTION -- COMMAND...: run COMMAND, its stdout in
# $TMP/out and stderr in $TMP/err, and check the exit status.
expect_status() {
  local want=$1 what=$2; shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else
    fail "$what: exit $got, want $want"; sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2
  fi
}

# expect_same DESCRIPTION FILE1 FILE2: byte-identical files.
expect_same() {
  if cmp -s "$2" "$3"; then ok; else
    fail "$1: $2 and $3 differ"; cmp "$2" "$3" | head -2 >&2
  fi
}

# expect_grep DESCRIPTION PATTERN FILE
expect_grep() {
  if grep -q -- "$2" "$3"; then ok; else
    fail "$1: no '$2' in $3"; head -5 "$3" >&2
  fi
}

expect_no_grep() {
  if grep -q -- "$2" "$3"; then fail "$1: unexpected '$2' in $3"; grep -- "$2" "$3" | head -3 >&2; else ok; fi
}

expect_true() {
  local what=$1; shift
  if "$@"; then ok; else fail "$what"; fi
}

# Real prose from Debian packages (manpages-zh, fortunes-zh).
prose() { python3 "$SRCDIR/tests/corpus/prose.py" "$@"; }

# ZHFIX_TEST_QUICK=1 (set by .ci/run for the sanitizer pass, where code
# runs several times slower) asks the heavy tests for smaller inputs; the
# full-size run happens in the plain pass.
QUICK=${ZHFIX_TEST_QUICK:-0}

# shrink FILE BYTES: in a quick run, cut FILE to about BYTES at a line end.
shrink() {
  [ "$QUICK" = 1 ] || return 0
  head -c "$2" "$1" | sed '$d' > "$1.quick" && mv "$1.quick" "$1"
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
