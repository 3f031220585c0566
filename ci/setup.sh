#!/usr/bin/env bash
# ci/setup.sh — install every Debian package sfi-harness needs to build and test.
# Idempotent: when everything is already installed it prints nothing and exits 0.
# Runs apt-get as root, or through sudo when started by another user.
set -euo pipefail

packages=(
  build-essential cmake pkg-config file dpkg-dev
  libusb-1.0-0-dev libftdi1-dev libssl-dev libyaml-dev libjansson-dev libxml2-dev
  libcriterion-dev libxml2-utils umockdev libumockdev-dev jq
  clang libclang-rt-14-dev valgrind
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
