#!/usr/bin/env bash
# ci/setup.sh — install every Debian package sfi-harness needs to build and test.
# Idempotent: when everything is already installed it prints nothing and exits 0.
# Runs apt-get as root, or through sudo when started by another user.
set -euo pipefail

packages=(
  build-essential cmake pkg-config file dpkg-dev
  libusb-1.0-0-dev libftdi1-dev libssl-dev libyaml-dev libjansson-dev libxml2-dev libsqlite3-dev
  libcriterion-dev libxml2-utils umockdev libumockdev-dev jq
  clang libclang-rt-14-dev valgrind
  chromium fonts-dejavu-core
  ruby ruby-activesupport ruby-nokogiri
  nodejs git rsync
  python3-labgrid python3-pytest mawk  # benchmark B6's and B3's peers (bench/labgrid, ci/bench.sh)
)
# gitlab-ci-local (tests/scenario/test_gitlab_pipeline.c runs ci/gitlab-ci.yml
# with it) comes from npm, into a project-local prefix: .ci-tools/ (ignored
# by git). Node from another source than Debian often brings its own npm.
root="$(cd "$(dirname "$0")/.." && pwd)"
gitlab_ci_local=gitlab-ci-local@4.60.1  # 4.6x runs on Node 18 and 20; later ones need Node 22
# Best effort: a machine that cannot reach the npm registry (offline, or a
# proxy whose certificate npm does not trust) still builds, runs the demo
# and the tests; the one test that needs gitlab-ci-local then skips, and
# ci/test.sh lists it among the skipped.
install_gitlab_ci_local() {
  [ -x "$root/.ci-tools/node_modules/.bin/gitlab-ci-local" ] && return 0
  echo "ci/setup.sh: installing $gitlab_ci_local into .ci-tools/"
  if ! NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" \
    npm install --prefix "$root/.ci-tools" --no-audit --no-fund --loglevel=error \
    "$gitlab_ci_local" >/tmp/sfi-harness-npm.log 2>&1; then
    echo "ci/setup.sh: warning: npm could not install $gitlab_ci_local" \
      "($(grep -m1 -o 'reason: .*' /tmp/sfi-harness-npm.log || tail -n1 /tmp/sfi-harness-npm.log));" \
      "the gitlab-ci-local pipeline test will be skipped" >&2
  fi
  return 0
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || dpkg-query -W -f='${Status}' npm 2>/dev/null |
  grep -q "install ok installed" || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  install_gitlab_ci_local
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "ci/setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
  exit 2
fi

echo "ci/setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
install_gitlab_ci_local
