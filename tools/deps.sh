#!/usr/bin/env bash
# Installs what Parley needs and is missing: Debian packages with apt-get,
# and the pinned npm packages from package-lock.json. Cheap when nothing is
# missing, so `make run` and `make test` call it every time.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(kore libpq-dev libsodium-dev libjansson-dev libexpat1-dev postgresql
              postgresql-contrib chromium wrk)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
# Node.js may come from elsewhere (with its own npm); only install Debian's
# when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
