#!/usr/bin/env bash
# install-deps.sh — installs the Debian packages gridgov needs to build, test,
# fuzz (clang, with libFuzzer's runtime in libclang-rt-14-dev) and benchmark.
# Idempotent and quick when everything is present: it asks dpkg first and
# calls apt-get only for what is missing.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev
  libcmocka-dev libcurl4-openssl-dev
  libminizip-dev libexpat1-dev libxlsxwriter-dev
  python3 sqlite3 curl
  nginx-light wrk
  clang libclang-rt-14-dev
  # grid map (#6)
  libgeos-dev
  # registry (#5)

  # web UI (#4)
  chromium fonts-wqy-microhei
  $(command -v node >/dev/null || echo nodejs npm)

)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
