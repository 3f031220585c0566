#!/usr/bin/env bash
# ci/bench.sh — builds (Release) and runs the benchmarks B1-B6 under bench/
# (README "Performance"). Prints a table and writes bench/results.json.
# Arguments go to sfi-bench: --runs N (default 5), --quick, --only B1,B4 (B6: --only SCALE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DHIL_BUILD_TESTS=OFF -DHIL_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
./build-bench/bench/sfi-bench "$@"
