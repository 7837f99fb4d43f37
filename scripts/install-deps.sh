#!/usr/bin/env bash
# Installs what stampede needs to build and test, and nothing that is already there.
# Idempotent: a second run checks and returns in well under a second.
set -euo pipefail

# Build: compiler and tools, Boost (Asio, Beast), OpenSSL, fmt, CLI11, JSON, YAML, GoogleTest.
build_packages=(g++ cmake ninja-build ccache libboost-dev libssl-dev libfmt-dev libcli11-dev
  nlohmann-json3-dev libyaml-cpp-dev libsimdjson-dev libgtest-dev libgmock-dev libbenchmark-dev)
# Tests against peers we did not write: nginx, curl, Python aiohttp and websockets.
test_packages=(nginx-light curl python3 python3-aiohttp python3-websockets)
# Benchmarks: the peer load generators run in the same session as stampede.
bench_packages=(wrk)

missing=()
for package in "${build_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    echo "install-deps: run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# npm packages (package.json at the root), installed once into node_modules/.
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -f "$root/package.json" ]]; then
  if [[ ! -d "$root/node_modules" || "$root/package.json" -nt "$root/node_modules/.installed" ]]; then
    if ! command -v npm >/dev/null; then
      echo "install-deps: npm is needed for $root/package.json (apt-get install npm)" >&2
      exit 1
    fi
    echo "install-deps: installing npm packages"
    (cd "$root" && npm install --no-audit --no-fund --loglevel=error)
    touch "$root/node_modules/.installed"
  fi
fi
