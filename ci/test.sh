#!/usr/bin/env bash
# ci/test.sh — the whole test suite, as CI runs it and as you run it.
#
#   1. installs what the build needs (ci/setup.sh) and checks the layering
#      of the sources (ci/check-layers.sh)
#   2. builds with -Werror and runs every test through ctest
#   3. builds again with ASan+UBSan and runs every test again
#   4. runs the engine's campaigns under ThreadSanitizer (ci/tsan.sh) and
#      the end-to-end campaign under valgrind memcheck (ci/memcheck.sh)
#   5. builds the libFuzzer targets with clang and fuzzes each briefly
#
# Exits non-zero on any failure, and when no test ran at all.
# Environment: HIL_SKIP_SANITIZE=1, HIL_SKIP_TSAN=1, HIL_SKIP_MEMCHECK=1 and HIL_SKIP_FUZZ=1
# skip steps 3, 4 and 5;
# HIL_FUZZ_SECONDS (default 30) is the time per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p build-tmp && export TMPDIR="$PWD/build-tmp"   # tests leave their scratch folders here

skipped_list=$PWD/build-tmp/skipped.txt
: > "$skipped_list"

# The tests Criterion skipped (cr_skip_test: they need ../shared) in the
# last ctest run of build-dir, from each suite's JSON report
# (tests/CMakeLists.txt); printed now and again at the end.
list_skipped() { # build-dir, what
  local reports=("$1"/criterion/*.json) found
  [ -e "${reports[0]}" ] || return 0
  found=$(for report in "${reports[@]}"; do
    jq -r '.test_suites[] as $s | $s.tests[] | select(.status == "SKIPPED")
           | "  \($s.name)::\(.name): \((.messages // []) | join("; "))"' "$report" 2>/dev/null ||
      echo "  $(basename "$report" .json): its report could not be read (a failure's message?)"
  done)
  [ -n "$found" ] || return 0
  echo "skipped in $2 ($(wc -l <<<"$found")):"
  echo "$found"
  { echo "$2:"; echo "$found"; } >> "$skipped_list"
}

run_suite() { # build-dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -DHIL_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
  local log="$dir/ctest.log"
  rm -f "$dir"/criterion/*.json
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  if ! grep -Eq '^[0-9]+% tests passed, [0-9]+ tests failed out of [1-9][0-9]*' "$log"; then
    echo "ci/test.sh: no test ran in $dir" >&2
    return 1
  fi
  list_skipped "$dir" "$dir"
  return "$rc"
}

echo "== the layering: includes go downward only, no folder cycle, no file over 800 lines"
bash ci/check-layers.sh

echo "== build and test (-Werror)"
run_suite build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHIL_BUILD_BENCH=ON

echo "== the Debian package: contents, dependencies, and a campaign from the unpacked package"
bash tests/package/check-deb.sh build-deb

echo "== the benchmarks build and run (a smoke run: sizes cut down; ci/bench.sh measures)"
./build-ci/bench/sfi-bench --quick --runs 1 --only B2,B3,B4,B5,B6,B7,SCALE --out build-ci/bench-smoke.json

echo "== the same tests as a clone without ../shared runs them (those checks skip, and are listed)"
rm -f build-ci/criterion/*.json
if ! SFI_HARNESS_SHARED=none ctest --test-dir build-ci -j "$jobs" --output-on-failure > build-ci/ctest-noshared.log 2>&1; then
  cat build-ci/ctest-noshared.log
  exit 1
fi
grep -E "tests passed" build-ci/ctest-noshared.log
list_skipped build-ci "the run without ../shared"

if [ "${HIL_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build and test with AddressSanitizer + UndefinedBehaviorSanitizer"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DHIL_SANITIZE=ON
fi

if [ "${HIL_SKIP_TSAN:-0}" != 1 ]; then
  echo "== the engine's threads under ThreadSanitizer (ci/tsan.sh)"
  bash ci/tsan.sh build-tsan
fi

if [ "${HIL_SKIP_MEMCHECK:-0}" != 1 ]; then
  echo "== the end-to-end campaign under valgrind memcheck"
  bash ci/memcheck.sh build-ci
fi

if [ "${HIL_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz the readers of outside input (libFuzzer)"
  HIL_FUZZ_SEED=${HIL_FUZZ_SEED:-20261125} bash ci/fuzz.sh
fi
if [ -s "$skipped_list" ]; then
  echo "== skipped tests (Criterion's cr_skip_test; each needs ../shared or hardware)"
  cat "$skipped_list"
fi
echo "ci/test.sh: all green"
