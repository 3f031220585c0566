#!/usr/bin/env bash
# ci/tsan.sh [BUILD_DIR] — the engine under ThreadSanitizer.
#
# Criterion's test runner cannot start under TSan (its shared arena collides
# with TSan's shadow memory: "Could not initialize inheritable arena"), so
# the engine is exercised through the binary, built with -fsanitize=thread,
# on what makes its threads meet: every board of the simulated rack at once
# (one worker thread each, the journal's flusher thread, progress output),
# the rack that drives the stand-in STM32_Programmer_CLI as subprocesses
# (reaping, the guardian, pipes), a campaign stopped by SIGINT mid-run and
# resumed, two shards and their merge, and report. Any race report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-tsan}
jobs=$(nproc 2>/dev/null || echo 2)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tsan.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export SFI_HARNESS_LOCK_DIR="$scratch/locks"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DHIL_TSAN=ON -DHIL_WERROR=ON \
  -DHIL_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null
bin="$build/sfi-harness"
sed -e "s|../../build/fixtures|$PWD/$build/fixtures|" -e "s|\.\./boards/|$PWD/fixtures/boards/|" \
  fixtures/racks/sim-fake-cli.yaml > "$scratch/fake-cli.yaml"

# the campaign's own exit codes (0, 1, 3, 4, 130) are verdicts (a few runs
# per cell leave statistical cells inconclusive: 4); 66 is TSan's
check() { # name, exit code, log
  if [ "$2" -eq 66 ] || [ "$2" -eq 2 ] || { [ "$2" -gt 4 ] && [ "$2" -ne 130 ]; }; then
    cat "$3"
    echo "tsan: $1 failed (exit $2)" >&2
    exit 1
  fi
  if grep -q "WARNING: ThreadSanitizer" "$3"; then
    cat "$3"
    echo "tsan: $1: a data race" >&2
    exit 1
  fi
  echo "tsan: $1 clean (exit $2)"
}

run() { # name, args...
  local name=$1 rc=0
  shift
  "$bin" "$@" > "$scratch/$name.log" 2>&1 || rc=$?
  check "$name" "$rc" "$scratch/$name.log"
}

# not --quiet: the progress output (the overall line's counters) is shared by the workers
run sim-rack run --verbose --repeat 3 --out "$scratch/sim" scenarios/errata-2.2.3.yaml
run fake-cli run --quiet --repeat 2 --rack "$scratch/fake-cli.yaml" --out "$scratch/fake" \
  scenarios/errata-2.2.3.yaml
run shard-1 run --quiet --repeat 2 --shard 1/2 --out "$scratch/s1" scenarios/errata-2.2.3.yaml
run shard-2 run --quiet --repeat 2 --shard 2/2 --out "$scratch/s2" scenarios/errata-2.2.3.yaml
run merge merge --out "$scratch/merged" "$scratch/s1" "$scratch/s2"
run report report "$scratch/merged"

# stopped mid-run by SIGINT (real waits: time scale 0.2), then resumed
rc=0
"$bin" run --repeat 4 --time-scale 0.2 --out "$scratch/stopped" scenarios/errata-2.2.3.yaml \
  > "$scratch/stopped.log" 2>&1 &
pid=$!
sleep 3
kill -INT "$pid" 2>/dev/null || true
wait "$pid" || rc=$?
check stopped "$rc" "$scratch/stopped.log"
run resume resume "$scratch/stopped"
echo "tsan: all clean"
