#!/usr/bin/env bash
# Builds the pinned actionlint (the GitHub Actions workflow linter) from the Go
# module proxy into the tools cache outside the clone,
# ~/.cache/iot-fleet-gitops/tools/actionlint/<version>/ (FLEET_TOOLS moves the
# cache). Cached: a run with an unchanged pin does nothing. The version is
# pinned in one place, test/workflows/actionlint.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
start=$SECONDS

read_go_pins test/workflows/actionlint.ts ACTIONLINT

tools="$(tools_cache)/actionlint"
bin="$tools/$version/actionlint"
# `actionlint -version` prints the module version it was built from on its first line.
if [ -x "$bin" ] && [ "$("$bin" -version 2>/dev/null | head -n1)" = "$version" ]; then
  log "actionlint: ${version} cached in $bin; nothing to do"
  exit 0
fi
require_go actionlint "$version" "$min_go"
go_build_tool actionlint "${module}/cmd/actionlint" "$version" "$tools" "-s -w"
[ "$("$bin" -version | head -n1)" = "$version" ] || fail "$bin -version does not print ${version}"
log "actionlint ${version} ready in $bin in $((SECONDS - start))s"
