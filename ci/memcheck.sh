#!/usr/bin/env bash
# ci/memcheck.sh [BUILD_DIR] — the end-to-end campaign (the errata scenario on
# the simulated rack, and on the rack that drives the stand-in
# STM32_Programmer_CLI) under valgrind memcheck: any error or leak fails.
# BUILD_DIR defaults to build-ci (a build without sanitizers).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-ci}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/memcheck.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export SFI_HARNESS_LOCK_DIR="$scratch/locks"
# the fake-cli rack names its tool under build/; a copy points at this build
sed -e "s|../../build/fixtures|$PWD/$build/fixtures|" -e "s|\.\./boards/|$PWD/fixtures/boards/|" \
  fixtures/racks/sim-fake-cli.yaml > "$scratch/fake-cli.yaml"
for rack in fixtures/racks/sim.yaml "$scratch/fake-cli.yaml"; do
  name=$(basename "$rack" .yaml)
  echo "memcheck: errata-2.2.3 on $name"
  valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --track-fds=no \
    "$build/sfi-harness" run --quiet --repeat 2 --rack "$rack" \
    --out "$scratch/$name" scenarios/errata-2.2.3.yaml > "$scratch/$name.log" 2>&1 || rc=$?
  rc=${rc:-0}
  # the campaign's own exit codes (0, 1, 3) are verdicts; 99 is valgrind's
  # 0, 1, 3 and 4 (inconclusive: 2 runs per cell) are the campaign's verdicts
  if [ "$rc" -eq 99 ] || [ "$rc" -eq 2 ] || [ "$rc" -gt 4 ]; then
    cat "$scratch/$name.log"; echo "memcheck: failed on $name (exit $rc)" >&2; exit 1
  fi
  grep -q '"exit_code"' "$scratch/$name/summary.json"   # the campaign ran to its reports
  echo "memcheck: $name clean (campaign exit $rc, $(grep -c '"type":"case"' "$scratch/$name/journal.jsonl") installs)"
  unset rc
done
