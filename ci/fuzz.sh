#!/usr/bin/env bash
# ci/fuzz.sh — builds the libFuzzer targets with clang (ASan+UBSan) and runs
# each for HIL_FUZZ_SECONDS (default 30) from its corpus in tests/fuzz/corpus.
# New crashing inputs are left in build-fuzz/ as crash-*; add them to the
# corpus once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${HIL_FUZZ_SECONDS:-30}
root=$(pwd)
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined"
CC=clang cmake -S . -B build-fuzz -DHIL_BUILD_TESTS=OFF -DHIL_BUILD_FUZZERS=ON \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
for target in yaml scenario rack transcript sfi journal; do
  work=build-fuzz/tests/fuzz/corpus-$target
  extra=""
  [ "$target" = transcript ] && extra="$root/fixtures/transcripts"   # golden logs seed the parser
  mkdir -p "$work"
  echo "fuzz_$target: ${seconds}s"
  (cd build-fuzz/tests/fuzz && ./fuzz_$target -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=0 "corpus-$target" "$root/tests/fuzz/corpus/$target" $extra \
      2>&1 | tail -n 3)
done
