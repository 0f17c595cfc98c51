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

log() { echo "INFO - $*"; }
fail() {
  echo "ERROR - $*" >&2
  exit 1
}
start=$SECONDS

pin() {
  sed -n "s/^export const $1 = \"\([^\"]*\)\";.*$/\1/p" test/schema/kubeconform.ts
}
module=$(pin KUBECONFORM_MODULE)
version=$(pin KUBECONFORM_VERSION)
min_go=$(pin KUBECONFORM_MIN_GO)
[ -n "$module" ] && [ -n "$version" ] && [ -n "$min_go" ] ||
  fail "cannot read KUBECONFORM_MODULE, KUBECONFORM_VERSION and KUBECONFORM_MIN_GO from test/schema/kubeconform.ts; keep each on one line as export const NAME = \"value\";"

command -v go >/dev/null 2>&1 ||
  fail "go not found on PATH: kubeconform ${version} and the offline schemas are built from the Go module proxy; install Go ${min_go} or newer (https://go.dev/dl/, or actions/setup-go in CI) and run \`npm run setup\` again"

# kubeconform's go.mod asks for Go ${min_go}. An older go fetches that toolchain
# from the module proxy by itself, unless GOTOOLCHAIN=local forbids it.
go_version=$(go env GOVERSION)
older() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" != "$2" ]; }
if older "${go_version#go}" "$min_go"; then
  if [ "$(go env GOTOOLCHAIN)" = "local" ]; then
    fail "${go_version} is older than Go ${min_go}, which kubeconform ${version} needs, and GOTOOLCHAIN=local stops go from fetching it; install Go ${min_go} or newer, or set GOTOOLCHAIN=auto"
  fi
  log "kubeconform: ${go_version} is older than Go ${min_go}; go fetches the go${min_go} toolchain from the module proxy (GOTOOLCHAIN=auto)"
fi

tools=.tools/kubeconform
bin="$tools/$version/kubeconform"
if [ -x "$bin" ] && [ "$("$bin" -v 2>/dev/null)" = "$version" ]; then
  log "kubeconform: ${version} cached in $bin; nothing to do"
else
  log "kubeconform: building ${module}@${version} with ${go_version} into $bin"
  tmp="$tools/.tmp-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  # -X main.version makes `kubeconform -v` print the pin, which is how a cached binary is recognised.
  GOBIN="$PWD/$tmp" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" \
    go install -trimpath -ldflags "-s -w -X main.version=${version}" "${module}/cmd/kubeconform@${version}" ||
    fail "go install ${module}/cmd/kubeconform@${version} failed (see above); check that the Go module proxy (GOPROXY=$(go env GOPROXY)) is reachable"
  rm -rf "${tools:?}/$version"
  mkdir -p "$tools"
  mv "$tmp" "$tools/$version"
  trap - EXIT
  for old in "$tools"/*/; do
    [ "${old%/}" = "$tools/$version" ] && continue
    rm -rf "$old"
    log "kubeconform: removed stale ${old%/}"
  done
  [ "$("$bin" -v)" = "$version" ] || fail "$bin -v does not print ${version}"
fi

npx --no-install tsx test/schema/build-schemas.ts
log "kubeconform ${version} and schemas ready in $((SECONDS - start))s"
