#!/usr/bin/env bash
# Builds the pinned kubeconform from the Go module proxy into
# .tools/kubeconform/<version>/, and the offline JSON schemas of every kind the
# fleet renders into .cache/schemas/<key>/ (test/schema/build-schemas.ts: the
# Kubernetes OpenAPI spec and the upstream CRDs, from the Go modules pinned in
# generators/fleet/versions.ts). Both are cached: a run with unchanged pins
# does nothing; a changed pin builds afresh. The version is pinned in one
# place, test/schema/kubeconform.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
start=$SECONDS

read_go_pins test/schema/kubeconform.ts KUBECONFORM

require_go kubeconform "$version" "$min_go"

tools=.tools/kubeconform
bin="$tools/$version/kubeconform"
if [ -x "$bin" ] && [ "$("$bin" -v 2>/dev/null)" = "$version" ]; then
  log "kubeconform: ${version} cached in $bin; nothing to do"
else
  # -X main.version makes `kubeconform -v` print the pin, which is how a cached binary is recognised.
  go_build_tool kubeconform "${module}/cmd/kubeconform" "$version" "$tools" "-s -w -X main.version=${version}"
  [ "$("$bin" -v)" = "$version" ] || fail "$bin -v does not print ${version}"
fi

npx --no-install tsx test/schema/build-schemas.ts
log "kubeconform ${version} and schemas ready in $((SECONDS - start))s"
