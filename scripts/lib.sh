#!/usr/bin/env bash
# Shared by the installers: INFO/ERROR logging, version comparison, the Go
# checks, and building a pinned Go tool from the module proxy into a
# versioned directory. Sourced, never run.

log() { echo "INFO - $*"; }
fail() {
  echo "ERROR - $*" >&2
  exit 1
}

# older A B: A is an older version than B (sort -V order).
older() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" != "$2" ]; }

# pin FILE NAME: the value of `export const NAME = "value";` in FILE (one line each).
pin() {
  sed -n "s/^export const $2 = \"\([^\"]*\)\";.*$/\1/p" "$1"
}

# read_go_pins FILE PREFIX: sets module, version and min_go from FILE's
# PREFIX_MODULE, PREFIX_VERSION and PREFIX_MIN_GO, or fails naming what is missing.
read_go_pins() {
  local file=$1 prefix=$2
  module=$(pin "$file" "${prefix}_MODULE")
  version=$(pin "$file" "${prefix}_VERSION")
  min_go=$(pin "$file" "${prefix}_MIN_GO")
  if [ -z "$module" ] || [ -z "$version" ] || [ -z "$min_go" ]; then
    fail "cannot read ${prefix}_MODULE, ${prefix}_VERSION and ${prefix}_MIN_GO from $file; keep each on one line as export const NAME = \"value\";"
  fi
}

# The cache of built tools outside the clone: a fresh clone on the same machine rebuilds nothing.
tools_cache() {
  echo "${FLEET_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/iot-fleet-gitops/tools}"
}

# require_go TOOL VERSION MIN_GO: go is on PATH and can build TOOL (an older go
# fetches the toolchain from the module proxy unless GOTOOLCHAIN=local).
require_go() {
  local tool=$1 version=$2 min_go=$3
  command -v go >/dev/null 2>&1 ||
    fail "go not found on PATH: ${tool} ${version} is built from the Go module proxy; install Go ${min_go} or newer (https://go.dev/dl/, or actions/setup-go in CI) and run \`npm run setup\` again"
  local go_version
  go_version=$(go env GOVERSION)
  if older "${go_version#go}" "$min_go"; then
    if [ "$(go env GOTOOLCHAIN)" = "local" ]; then
      fail "${go_version} is older than Go ${min_go}, which ${tool} ${version} needs, and GOTOOLCHAIN=local stops go from fetching it; install Go ${min_go} or newer, or set GOTOOLCHAIN=auto"
    fi
    log "${tool}: ${go_version} is older than Go ${min_go}; go fetches the go${min_go} toolchain from the module proxy (GOTOOLCHAIN=auto)"
  fi
}

# go_build_tool TOOL PACKAGE VERSION DIR LDFLAGS: `go install PACKAGE@VERSION`
# into DIR/VERSION/ (all or nothing, through a temporary directory beside it),
# then removes every other version under DIR.
go_build_tool() {
  local tool=$1 package=$2 version=$3 dir=$4 ldflags=$5
  log "${tool}: building ${package}@${version} with $(go env GOVERSION) into ${dir}/${version}"
  mkdir -p "$dir"
  local tmp="$dir/.tmp-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # shellcheck disable=SC2064 # expand now: the path is fixed for this build
  trap "rm -rf '$tmp'" EXIT
  GOBIN="$(cd "$tmp" && pwd)" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" \
    go install -trimpath -ldflags "$ldflags" "${package}@${version}" ||
    fail "go install ${package}@${version} failed (see above); check that the Go module proxy (GOPROXY=$(go env GOPROXY)) is reachable"
  rm -rf "${dir:?}/$version"
  mv "$tmp" "$dir/$version"
  trap - EXIT
  local old
  for old in "$dir"/*/; do
    [ "${old%/}" = "$dir/$version" ] && continue
    rm -rf "$old"
    log "${tool}: removed stale ${old%/}"
  done
}
