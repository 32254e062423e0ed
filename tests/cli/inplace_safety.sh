# -i never loses a byte: on every failure (disk full, permission denied,
# a write, fsync, chmod, close or rename that fails, the file changed while
# being read, a signal) the original is untouched, no temp file
# (.NAME.zhfix-*) is left, the exit status is 2 and the message names the
# file. Also /dev/full as standard output, mode and owner kept.
. "$(dirname "$0")/lib.bash"

# Mounts made here are unmounted before the temp dir goes.
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
  chmod -R u+w "$TMP" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# A file fix changes: zero-width spaces inside Chinese text, $1 KB of it.
make_file() {
  python3 - "$1" "$2" <<'PY'
import sys
line = '中\u200b文的一行，需要修复。\n'
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    f.write(line * max(1, int(sys.argv[2]) * 1024 // len(line.encode())))
PY
}

# expect_safe DESCRIPTION FILE COPY: after a failed -i, FILE equals COPY,
# no temp file is beside it, exit 2 (checked by the caller with
# expect_status), and stderr names the file.
expect_safe() {
  local what=$1 file=$2 copy=$3
  expect_same "$what: original untouched" "$file" "$copy"
  expect_true "$what: no temp file left" test -z "$(ls -A "$(dirname "$file")" | grep 'zhfix-')"
  expect_grep "$what: message names the file" "^zhfix: $file: " "$TMP/err"
}

make_file "$TMP/orig.txt" 200
make_file "$TMP/small.txt" 1

# ---- A full disk: a 256 KB tmpfs and a 200 KB file to rewrite ----------
mkdir "$TMP/mnt"
if mount -t tmpfs -o size=256k zhfix-test "$TMP/mnt" 2>/dev/null; then
  mounts+=("$TMP/mnt")
  cp "$TMP/orig.txt" "$TMP/mnt/full.txt"
  expect_status 2 "tmpfs full" -- "$ZHFIX" fix -i "$TMP/mnt/full.txt"
  expect_safe "tmpfs full" "$TMP/mnt/full.txt" "$TMP/orig.txt"
  expect_grep "tmpfs full: says why" "No space left on device" "$TMP/err"
  # The same with --backup: the backup is a hard link, no space needed,
  # but the rewrite still fails; nothing is lost.
  expect_status 2 "tmpfs full with --backup" -- "$ZHFIX" fix -i --backup "$TMP/mnt/full.txt"
  expect_safe "tmpfs full with --backup" "$TMP/mnt/full.txt" "$TMP/orig.txt"
  umount "$TMP/mnt" && mounts=()
else
  echo "SKIP: tmpfs full: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
fi

# ---- Permissions -----------------------------------------------------
as_nobody=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null; then
    as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  elif command -v runuser >/dev/null; then
    as_nobody=(runuser -u nobody --)
  fi
fi
if [ "$(id -u)" = 0 ] && [ ${#as_nobody[@]} -eq 0 ]; then
  echo "SKIP: read-only folder: no setpriv or runuser to drop root"
else
  chmod 755 "$TMP"
  mkdir "$TMP/ro"; cp "$TMP/small.txt" "$TMP/ro/e.txt"; chmod 644 "$TMP/ro/e.txt"
  chmod 555 "$TMP/ro"
  expect_status 2 "read-only folder" -- "${as_nobody[@]}" "$ZHFIX" fix -i "$TMP/ro/e.txt"
  expect_safe "read-only folder" "$TMP/ro/e.txt" "$TMP/small.txt"
  expect_grep "read-only folder: says why" "Permission denied" "$TMP/err"
  chmod 755 "$TMP/ro"
  # A folder the user may write, a file owned by someone else: the file
  # is rewritten (as editors do) with its mode; the owner becomes the
  # user's since only root may give files away.
  if [ "$(id -u)" = 0 ]; then
    mkdir "$TMP/rw"; chown 65534:65534 "$TMP/rw"
    cp "$TMP/small.txt" "$TMP/rw/f.txt"; chmod 604 "$TMP/rw/f.txt"
    expect_status 0 "someone else's file in a writable folder" -- "${as_nobody[@]}" "$ZHFIX" fix -i "$TMP/rw/f.txt"
    expect_true "mode kept as another user" test "$(stat -c %a "$TMP/rw/f.txt")" = 604
    expect_no_grep "rewritten" "$(printf '\xe2\x80\x8b')" "$TMP/rw/f.txt"
  fi
fi

# ---- Owner and mode, as root -----------------------------------------
if [ "$(id -u)" = 0 ]; then
  cp "$TMP/small.txt" "$TMP/owned.txt"; chown 65534:65534 "$TMP/owned.txt"
  expect_status 0 "-i as root" -- "$ZHFIX" fix -i "$TMP/owned.txt"
  expect_true "owner kept" test "$(stat -c %u:%g "$TMP/owned.txt")" = 65534:65534
  # Regression: setuid/setgid bits survive (chown clears them, so the
  # mode must be set after the owner).
  cp "$TMP/small.txt" "$TMP/setid.txt"; chown 65534:65534 "$TMP/setid.txt"
  chmod 6755 "$TMP/setid.txt"
  expect_status 0 "-i on a setuid file" -- "$ZHFIX" fix -i "$TMP/setid.txt"
  expect_true "setuid/setgid bits kept ($(stat -c %a "$TMP/setid.txt"))" test "$(stat -c %a "$TMP/setid.txt")" = 6755
fi

# ---- Injected failures (LD_PRELOAD shim) -------------------------------
SHIM="$TMP/failshim.so"
if ! cc -shared -fPIC -o "$SHIM" "$SRCDIR/tests/cli/support/failshim.c" -ldl 2>"$TMP/cc.err"; then
  fail "cannot build the failure shim"; cat "$TMP/cc.err" >&2
fi
# Under ASan the shim comes before the ASan runtime; allow it.
shim() { env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$SHIM" "$@"; }

for step in fwrite fsync fchmod fclose rename; do
  cp "$TMP/orig.txt" "$TMP/s-$step.txt"
  expect_status 2 "$step fails" -- shim SHIM_FAIL=$step SHIM_AFTER=100 "$ZHFIX" fix -i "$TMP/s-$step.txt"
  expect_safe "$step fails" "$TMP/s-$step.txt" "$TMP/orig.txt"
done
# The same write failure when converting to another encoding on the way.
cp "$TMP/orig.txt" "$TMP/s-enc.txt"
expect_status 2 "fwrite fails while encoding" -- shim SHIM_FAIL=fwrite SHIM_AFTER=5000 "$ZHFIX" fix -i --to-encoding gb18030 "$TMP/s-enc.txt"
expect_safe "fwrite fails while encoding" "$TMP/s-enc.txt" "$TMP/orig.txt"
# --backup whose link fails: no backup, the original stays.
cp "$TMP/orig.txt" "$TMP/s-link.txt"
expect_status 2 "backup link fails" -- shim SHIM_FAIL=link "$ZHFIX" fix -i --backup "$TMP/s-link.txt"
expect_safe "backup link fails" "$TMP/s-link.txt" "$TMP/orig.txt"
expect_true "no backup made" test ! -e "$TMP/s-link.txt~"
# A backup name taken by a directory.
cp "$TMP/orig.txt" "$TMP/s-bdir.txt"; mkdir "$TMP/s-bdir.txt~"
expect_status 2 "backup name is a directory" -- "$ZHFIX" fix -i --backup "$TMP/s-bdir.txt"
expect_safe "backup name is a directory" "$TMP/s-bdir.txt" "$TMP/orig.txt"

# ---- Write limit (RLIMIT_FSIZE): write fails with EFBIG -----------------
# Regression: SIGXFSZ used to kill zhfix before it could remove its temp
# file; zhfix now ignores the signal and handles EFBIG like any write error.
mkdir "$TMP/fsize"; cp "$TMP/orig.txt" "$TMP/fsize/f.txt"
expect_status 2 "file size limit" -- bash -c "ulimit -f 64; exec '$ZHFIX' fix -i '$TMP/fsize/f.txt'"
expect_safe "file size limit" "$TMP/fsize/f.txt" "$TMP/orig.txt"
expect_grep "file size limit: says why" "File too large" "$TMP/err"

# ---- A signal in the middle: the temp file is removed -------------------
# Regression: SIGTERM (or SIGINT, SIGHUP) during -i left the temp file.
mkdir "$TMP/term"; cp "$TMP/orig.txt" "$TMP/term/f.txt"
shim SHIM_FAIL=term "$ZHFIX" fix -i "$TMP/term/f.txt" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_true "SIGTERM: killed by the signal (exit $rc)" test "$rc" = 143
expect_same "SIGTERM: original untouched" "$TMP/term/f.txt" "$TMP/orig.txt"
expect_true "SIGTERM: no temp file left" test -z "$(ls -A "$TMP/term" | grep 'zhfix-')"

# ---- The file changes while it is read ---------------------------------
for how in append rewrite replace; do
  cp "$TMP/small.txt" "$TMP/c-$how.txt"
  touch -d '2001-01-01 00:00:00' "$TMP/c-$how.txt"
  case $how in
    append)  { cat "$TMP/small.txt"; echo appended; } > "$TMP/c-$how.want" ;;
    rewrite) { printf X; tail -c +2 "$TMP/small.txt"; } > "$TMP/c-$how.want" ;;
    replace) echo other > "$TMP/c-$how.want" ;;
  esac
  expect_status 2 "changed while read ($how)" -- shim SHIM_FAIL=$how SHIM_TARGET="$TMP/c-$how.txt" "$ZHFIX" fix -i "$TMP/c-$how.txt"
  # The other writer's version is what stays: zhfix does not overwrite it.
  expect_safe "changed while read ($how)" "$TMP/c-$how.txt" "$TMP/c-$how.want"
  expect_grep "changed while read ($how): says so" "changed while being read" "$TMP/err"
done

# A FIFO is not rewritten in place; as plain input it is read.
mkfifo "$TMP/fifo"
# Regression: opening the FIFO used to block for ever, waiting for a writer.
expect_status 2 "-i on a FIFO" -- timeout 20 "$ZHFIX" fix -i "$TMP/fifo"
expect_grep "-i on a FIFO: says why" "^zhfix: $TMP/fifo: not a regular file" "$TMP/err"
( cat "$TMP/small.txt" > "$TMP/fifo" ) &
expect_status 0 "a FIFO as input" -- timeout 20 "$ZHFIX" fix "$TMP/fifo"
wait
expect_no_grep "a FIFO as input: fixed" "$(printf '\xe2\x80\x8b')" "$TMP/out"

# ---- Names -------------------------------------------------------------
# Regression: a 250-byte file name made the temp name exceed NAME_MAX.
long=$(printf 'x%.0s' $(seq 1 246)).txt
cp "$TMP/small.txt" "$TMP/$long"
expect_status 0 "-i on a 250-byte file name" -- "$ZHFIX" fix -i "$TMP/$long"
expect_no_grep "long name: rewritten" "$(printf '\xe2\x80\x8b')" "$TMP/$long"
expect_true "long name: no temp file left" test -z "$(ls -A "$TMP" | grep 'zhfix-')"
# A dangling symlink, a symlink chain.
ln -s nowhere.txt "$TMP/dangling.txt"
expect_status 2 "-i on a dangling symlink" -- "$ZHFIX" fix -i "$TMP/dangling.txt"
expect_grep "dangling symlink named" "^zhfix: $TMP/dangling.txt: " "$TMP/err"
cp "$TMP/small.txt" "$TMP/chain-target.txt"
ln -s chain-target.txt "$TMP/chain1.txt"; ln -s chain1.txt "$TMP/chain2.txt"
expect_status 0 "-i through a symlink chain" -- "$ZHFIX" fix -i "$TMP/chain2.txt"
expect_true "chain: links stay links" test -L "$TMP/chain2.txt" -a -L "$TMP/chain1.txt"
expect_no_grep "chain: target rewritten" "$(printf '\xe2\x80\x8b')" "$TMP/chain-target.txt"
# A hard link: -i replaces this name's file; the other name keeps the
# original (as sed -i and editors that save by rename do).
cp "$TMP/small.txt" "$TMP/hard1.txt"; ln "$TMP/hard1.txt" "$TMP/hard2.txt"
expect_status 0 "-i on a hard-linked file" -- "$ZHFIX" fix -i "$TMP/hard1.txt"
expect_same "the other hard link keeps the original" "$TMP/hard2.txt" "$TMP/small.txt"

# ---- /dev/full as standard output --------------------------------------
for cmd in "fix" "convert --to traditional" "check" "fix --diff" "detect"; do
  for f in small orig; do
    expect_status 2 "$cmd $f.txt > /dev/full" -- sh -c "'$ZHFIX' $cmd '$TMP/$f.txt' > /dev/full"
    expect_grep "$cmd $f.txt > /dev/full: named" "^zhfix: <stdout>: write error: No space left on device" "$TMP/err"
  done
done
expect_status 2 "stdin to /dev/full" -- sh -c "'$ZHFIX' fix < '$TMP/orig.txt' > /dev/full"
finish
