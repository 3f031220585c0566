#!/usr/bin/env bash
# ci/bench.sh — builds (Release) and runs the benchmarks under bench/
# (B1-B7 and SCALE; HIST with --only HIST), prints each one's figures and
# then the table of README "Performance" (each figure beside its peer and
# its target), and writes bench/results.json. Exits 1 when any measured
# run failed (that benchmark reports no figure).
# Arguments go to sfi-bench: --runs N (default 5), --quick, --only B1,B4,SCALE.
# The full run takes about 15 minutes on 2 cores; run it on a quiet machine
# (the load average is recorded in results.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DHIL_BUILD_TESTS=OFF -DHIL_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
./build-bench/bench/sfi-bench "$@"
