#!/usr/bin/env bash
# ci/fuzz.sh — builds the libFuzzer targets with clang (ASan+UBSan) and runs
# each for HIL_FUZZ_SECONDS (default 30) from its corpus in tests/fuzz/corpus.
# New crashing inputs are left in build-fuzz/tests/fuzz/ as crash-*; add them
# to the corpus once fixed. HIL_FUZZ_SEED fixes libFuzzer's seed (ci/test.sh
# does, so a CI run fuzzes the same inputs each time; run this script without
# it, for longer, to look for new findings).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${HIL_FUZZ_SECONDS:-30}
root=$(pwd)
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
CC=clang cmake -S . -B build-fuzz -DHIL_BUILD_TESTS=OFF -DHIL_BUILD_FUZZERS=ON \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
seed_arg=""
[ -n "${HIL_FUZZ_SEED:-}" ] && seed_arg="-seed=$HIL_FUZZ_SEED"
for target in yaml scenario rack transcript sfi journal; do
  work=build-fuzz/tests/fuzz/corpus-$target
  extra=""
  [ "$target" = transcript ] && extra="$root/fixtures/transcripts"   # golden logs seed the parser
  mkdir -p "$work"
  echo "fuzz_$target: ${seconds}s${seed_arg:+ ($seed_arg)}"
  log=build-fuzz/tests/fuzz/fuzz_$target.log
  if ! (cd build-fuzz/tests/fuzz && ./fuzz_$target -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=0 $seed_arg "corpus-$target" "$root/tests/fuzz/corpus/$target" $extra \
      > "fuzz_$target.log" 2>&1); then
    # a finding: the whole sanitizer report, and the input that triggers it
    sed -n '/^==[0-9]*== *ERROR\|: runtime error:/,$p' "$log" | grep -v '^#[0-9]' | head -n 120
    echo "ci/fuzz.sh: fuzz_$target found a problem; the input is the crash-*/leak-*/timeout-* file in build-fuzz/tests/fuzz/" >&2
    echo "reproduce: build-fuzz/tests/fuzz/fuzz_$target <that file>" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$log" || tail -n 1 "$log"
done
