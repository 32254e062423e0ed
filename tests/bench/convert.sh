#!/bin/sh
# Benchmark: zhfix's own conversion engine against libopencc, side by side
# in one run, on real prose (tests/corpus/prose.py: manpages-zh). Not a
# test; prints tables and exits 1 only if the two ever disagree.
#
#   tests/bench/convert.sh [BUILD_DIR] [REPS]
#
# BUILD_DIR defaults to ./build (configure it with -DCMAKE_BUILD_TYPE=
# Release or the default RelWithDebInfo). Both engines run on one core
# (taskset -c 0 when available). Table 1 goes through the library
# (zhfix_convert_alloc, engine "auto" vs "opencc"); table 2 times whole
# commands: `zhfix convert` with each engine (and with the input's
# encoding given, which skips detection) and Debian's `opencc` tool.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
reps=${2:-5}
cmake --build "$build" --target bench_convert zhfix_cli >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhfix-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 "$root/tests/corpus/prose.py" simplified >"$tmp/s.txt"
python3 "$root/tests/corpus/prose.py" traditional >"$tmp/t.txt"
pin=
if command -v taskset >/dev/null 2>&1; then pin="taskset -c 0"; fi

echo "zhfix $("$build/zhfix" --version | sed 's/^zhfix //; s/ .*//'), libopencc $(dpkg-query -W -f='${Version}' libopencc1.1 2>/dev/null || echo '?'), $(nproc) cores, $(uname -m); best of $reps"
echo
echo "Library, Simplified input ($(wc -c <"$tmp/s.txt") bytes):"
status=0
$pin "$build/tests/bench_convert" -r "$reps" "$tmp/s.txt" s2t s2tw s2twp s2hk || status=1
echo
echo "Library, Traditional input ($(wc -c <"$tmp/t.txt") bytes):"
$pin "$build/tests/bench_convert" -r "$reps" "$tmp/t.txt" t2s tw2s tw2sp hk2s t2tw tw2t t2hk hk2t t2jp jp2t || status=1

# Whole commands: best of $reps runs, wall clock and CPU (user + system)
# seconds; MB/s from the CPU time, which other load does not inflate.
best() { # COMMAND...: prints "wall cpu"
  python3 - "$reps" "$@" <<'PY'
import os, resource, subprocess, sys, time
reps, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(reps):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    walls.append(time.monotonic() - t)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
print("%.3f %.3f" % (min(walls), min(cpus)))
PY
}
bytes=$(wc -c <"$tmp/s.txt")
echo
echo "Commands, s2t on the Simplified input (start-up and I/O included):"
printf '%-50s %7s %7s %9s\n' command wall-s cpu-s "MB/s(cpu)"
for cmd in "zhfix convert --opencc s2t" \
           "zhfix convert --from-encoding utf-8 --opencc s2t" \
           "zhfix convert --engine opencc --opencc s2t" "opencc -c s2t.json"; do
  case $cmd in
    zhfix*) set -- "$build/zhfix" ${cmd#zhfix } "$tmp/s.txt" ;;
    opencc*) set -- opencc -c s2t.json -i "$tmp/s.txt" ;;
  esac
  # shellcheck disable=SC2086
  r=$(best $pin "$@")
  printf '%-50s %7s %7s %9s\n' "$cmd" ${r% *} ${r#* } "$(echo "$bytes ${r#* }" | awk '{printf "%.1f", $1 / $2 / 1e6}')"
done
exit "$status"
