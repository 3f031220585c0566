#!/usr/bin/env bash
# ci/demo.sh — the main job on the simulated rack, from a fresh machine:
# installs what is needed, builds, then runs the ES0478 §2.2.3 campaign on
# three simulated STM32H7A/B boards (bootloader 0x90, 0x91, 0x92). It prints
# each board's identity, every failure as it happens and an overall line at
# each tenth of the plan (the quiet default; --verbose adds a line per
# install), then the verdict per board and cell and where the reports are:
# README's tour shows it (tests/unit/test_docs.c compares the two). Exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
echo "== building sfi-harness"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHIL_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
echo "== sfi-harness run scenarios/errata-2.2.3.yaml   (default rack: fixtures/racks/sim.yaml)"
status=0
./build/sfi-harness run scenarios/errata-2.2.3.yaml "$@" || status=$?
exit "$status"
