#!/usr/bin/env bash
# Validates .github/renovate.json with Renovate's own renovate-config-validator,
# from the npm package `renovate` at the version pinned below, installed by npx
# into a cache outside the clone (it is large, so it is not a dependency of the
# project and not part of `npm test`). Exit 0: valid; 1: invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# renovate: datasource=npm depName=renovate
RENOVATE_VERSION="44.121.2"

cache="$(tools_cache)/renovate"
mkdir -p "$cache"
log "renovate-config-validator from renovate@${RENOVATE_VERSION} (npm cache in $cache)"
npx --yes --cache "$cache/npm" --package "renovate@${RENOVATE_VERSION}" -- \
  renovate-config-validator --strict --no-global .github/renovate.json ||
  fail ".github/renovate.json is not a valid Renovate configuration (see above)"
