#!/usr/bin/env bash
# Installs the real servers the interop tier (npm run test:interop) talks to, from Debian's
# packages. Idempotent and non-interactive: only missing packages are installed, and no service is
# started (a policy-rc.d that exits 101 is in place for the install; the tests start each server
# themselves from a config in a temp dir and stop it by PID).
set -euo pipefail

PACKAGES=(nginx squid tinyproxy dante-server nghttp2-server gunicorn python3-httpbin curl openssl tmux)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "interop-setup: everything installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Keep services from starting on install; put back whatever policy was there before.
policy=/usr/sbin/policy-rc.d
backup=""
if [ -e "$policy" ]; then
  backup="$(mktemp)"
  $SUDO cp -p "$policy" "$backup"
fi
restore() {
  if [ -n "$backup" ]; then $SUDO cp -p "$backup" "$policy"; rm -f "$backup"; else $SUDO rm -f "$policy"; fi
}
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
$SUDO chmod 755 "$policy"

echo "interop-setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
