#!/usr/bin/env bash
# Installs what the control-plane e2e needs: Debian's redis-server (Argo CD's
# cache), openssl and git (with git http-backend) when missing, then the
# upstream programs built from the Go module proxy into the tools cache
# outside the clone (test/e2e/tools/catalog.ts: etcd, Kubernetes, kwok, Argo
# CD, the add-on controllers). Idempotent: a second run builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "$(git --exec-path 2>/dev/null)/git-http-backend" ] || missing+=(git)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "${missing[*]} not found and apt-get is not available: install them with your package manager"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  log "installing ${missing[*]} from the distribution's packages"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v go >/dev/null 2>&1 || fail "go not found on PATH: the e2e tools are built from the Go module proxy; install Go 1.26 or newer"
npx --no-install tsx test/e2e/tools/build.ts
