# The pre-commit hooks, for real: Debian's pre-commit runs them from a
# throwaway repository whose config names this repository as `repo:`.
. "$(dirname "$0")/lib.bash"
command -v pre-commit >/dev/null || { echo "pre-commit missing (Debian package pre-commit)"; exit 1; }
command -v git >/dev/null || { echo "git missing"; exit 1; }
rev=$(git -C "$SRCDIR" rev-parse HEAD 2>/dev/null) || { echo "source is not a git checkout"; exit 1; }
git -C "$SRCDIR" cat-file -e "$rev:.pre-commit-hooks.yaml" || { echo "HEAD has no .pre-commit-hooks.yaml"; exit 1; }

# The hook finds this build's zhfix on PATH (same version), as it would an
# installed one.
mkdir "$TMP/bin"; ln -s "$ZHFIX" "$TMP/bin/zhfix"
export PATH="$TMP/bin:$PATH" PRE_COMMIT_HOME="$TMP/pc-cache" HOME="$TMP"
git config --global user.email t@example.com; git config --global user.name t
git config --global init.defaultBranch main

setup_repo() { # NAME HOOK
  local r="$TMP/$1"
  git init -q "$r"
  printf 'repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: %s\n' "$SRCDIR" "$rev" "$2" > "$r/.pre-commit-config.yaml"
  (cd "$r" && git add .pre-commit-config.yaml && git commit -qm init --no-verify && pre-commit install >/dev/null)
}

# zhfix-check blocks a commit with a corrupted file and names it.
setup_repo checkrepo zhfix-check
cd "$TMP/checkrepo"
printf '干净的一行。\n' > clean.txt
git add clean.txt
expect_status 0 "a clean file passes" -- git commit -qm clean
printf '中\xe2\x80\x8b文\n' > bad.txt
git add bad.txt
expect_status 1 "a corrupted file blocks the commit" -- git commit -qm bad
cat "$TMP/err" >> "$TMP/out"
expect_grep "the output names the file and the finding" "bad.txt:1:2: invisible-char" "$TMP/out"
expect_true "nothing was committed" test "$(git log --oneline | wc -l)" -eq 2

# zhfix-fix rewrites the file; the next commit passes.
setup_repo fixrepo zhfix-fix
cd "$TMP/fixrepo"
printf '中\xe2\x80\x8b文\n' > bad.txt
git add bad.txt
expect_status 1 "zhfix-fix stops the first commit" -- git commit -qm bad
expect_true "the file was rewritten" test "$(cat bad.txt)" = "中文"
git add bad.txt
expect_status 0 "the next commit passes" -- git commit -qm fixed
finish
