#!/usr/bin/env bash
# tests/package/check-deb.sh — builds the Debian package (cpack), checks its
# contents and dependencies, unpacks it into an empty root and runs the
# errata campaign with the installed binary, scenarios, profiles and rack.
# Usage: tests/package/check-deb.sh [BUILD_DIR]   (run from the project root)
set -euo pipefail
build=${1:-build-deb}
fail() { echo "check-deb: $*" >&2; exit 1; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DHIL_BUILD_TESTS=OFF -DHIL_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/sfi-harness_*.deb | head -1)
[ -f "$deb" ] || fail "no .deb in $build"

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/sfi-harness ./usr/share/man/man1/sfi-harness.1 \
         ./usr/share/sfi-harness/scenarios/errata-2.2.3.yaml \
         ./usr/share/sfi-harness/scenarios/rdp-or-bootloader.yaml \
         ./usr/share/sfi-harness/scenarios/qualify-bootloader.yaml \
         ./usr/share/sfi-harness/scenarios/nightly.yaml \
         ./usr/share/sfi-harness/fixtures/boards/h7ab-bl91.yaml \
         ./usr/share/sfi-harness/fixtures/racks/sim.yaml \
         ./usr/lib/udev/rules.d/70-sfi-harness.rules \
         ./usr/share/doc/sfi-harness/classes.md; do
  grep -q " $f\$" <<<"$contents" || fail "$deb lacks $f"
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libusb-1.0-0 libftdi1-2 libyaml-0-2 libjansson4 libxml2 libssl3; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
echo "check-deb: $(basename "$deb"): $(grep -c '' <<<"$contents") entries; Depends: $depends"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/sfi-harness" --version
out="$root/results"
SFI_HARNESS_LOCK_DIR="$root/locks" "$root/usr/bin/sfi-harness" run \
  "$root/usr/share/sfi-harness/scenarios/errata-2.2.3.yaml" --time-scale 0 \
  --out "$out" --quiet >/dev/null || fail "the installed errata campaign exited $?"
grep -q '"exit_code": 0' "$out/summary.json" || fail "unexpected summary"
grep -q 'share/sfi-harness/fixtures/racks/sim.yaml' "$out/journal.jsonl" ||
  fail "the installed binary did not use the installed rack"
echo "check-deb: the unpacked package runs the errata campaign on its own simulated rack"
