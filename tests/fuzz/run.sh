#!/usr/bin/env bash
# Run one fuzz target for a bounded time, then report what it reached.
#
#   tests/fuzz/run.sh TARGET SECONDS      (TARGET: decode check fix convert
#                                          protect)
#
# Builds build-fuzz/ (clang, -DZHFIX_FUZZ=ON) if needed and runs
# fuzz_TARGET for SECONDS over a corpus kept in build-fuzz/corpus/TARGET,
# seeded from tests/fuzz/seeds/TARGET and fixtures/. Prints the executions
# and libFuzzer's cov:/ft: counts, then replays the corpus through a
# clang source-coverage build (build-fuzz-cov/, -fprofile-instr-generate)
# and prints llvm-cov's line coverage of src/*.c (generated data tables
# left out), so you see whether the repair code is reached and not only
# the decoders. Exits non-zero when the fuzzer found a crash, a leak or a
# failed assertion; the input is kept as build-fuzz/crash-TARGET-*.
# Environment: ZHFIX_FUZZ_BUILD (build dir), ZHFIX_FUZZ_NO_COVERAGE=1.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 TARGET SECONDS" >&2; exit 2; }
target=$1 secs=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${ZHFIX_FUZZ_BUILD:-$root/build-fuzz}
covbuild=$build-cov
[ -f "$root/tests/fuzz/fuzz_$target.c" ] || { echo "unknown target: $target" >&2; exit 2; }
llvm_sfx=-14
command -v "llvm-cov$llvm_sfx" >/dev/null || llvm_sfx=

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZHFIX_FUZZ=ON -DZHFIX_WERROR=ON >/dev/null
fi
cmake --build "$build" --target "fuzz_$target" -j"$(nproc)" >/dev/null

corpus=$build/corpus/$target
mkdir -p "$corpus"
seeds=("$root/tests/fuzz/seeds/$target")
[ -d "$root/fixtures" ] && seeds+=("$root/fixtures")
log=$build/fuzz-$target.log
echo "== fuzz_$target for ${secs}s (log: $log)"
set +e
"$build/tests/fuzz/fuzz_$target" -max_total_time="$secs" -timeout=10 \
  -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$build/crash-$target-" "$corpus" "${seeds[@]}" >"$log" 2>&1
rc=$?
set -e
grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "executions: ${execs:-?}  corpus: $(ls "$corpus" | wc -l) files"
if [ "$rc" -ne 0 ]; then
  echo "FUZZER FAILED (exit $rc):" >&2
  grep -E 'ERROR|assertion|runtime error|SUMMARY|Test unit written' "$log" | head -20 >&2
  exit 1
fi

[ "${ZHFIX_FUZZ_NO_COVERAGE:-0}" = 1 ] && exit 0
# Source coverage: the same target under replay_main.c, built with clang's
# profile instrumentation, run over everything the fuzzer kept.
if [ ! -f "$covbuild/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$covbuild" -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
fi
cmake --build "$covbuild" --target "replay_$target" -j"$(nproc)" >/dev/null
rm -f "$covbuild"/cov-"$target"-*.profraw
LLVM_PROFILE_FILE="$covbuild/cov-$target-%p.profraw" \
  "$covbuild/tests/fuzz/replay_$target" "$corpus" "${seeds[@]}" >/dev/null
"llvm-profdata$llvm_sfx" merge -sparse "$covbuild"/cov-"$target"-*.profraw \
  -o "$covbuild/cov-$target.profdata"
echo "== line coverage of src/*.c by the corpus of $target"
srcs=$(ls "$root"/src/*.c | grep -v '/data_')
"llvm-cov$llvm_sfx" report "$covbuild/tests/fuzz/replay_$target" \
  -instr-profile="$covbuild/cov-$target.profdata" $srcs |
  awk '$1 ~ /\.c$/ || $1 == "TOTAL" { f = $1; sub(/.*\//, "", f)
    printf "%-16s lines %5d/%-5d %7s   branches %7s\n", f, $8 - $9, $8, $10, $13 }'
