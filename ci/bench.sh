#!/usr/bin/env bash
# ci/bench.sh — builds (Release) and runs the benchmarks under bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DHIL_BUILD_TESTS=OFF -DHIL_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
./build-bench/bench/bench_parse
