#!/usr/bin/env bash
# Installs promtool, the Prometheus rule checker, from the Debian/Ubuntu
# `prometheus` package without installing or starting the Prometheus server:
# the package is downloaded (not installed) and only usr/bin/promtool is
# unpacked, into .tools/promtool/<package-version>/promtool. The stable path
# the policies run is the symlink .tools/bin/promtool (override with PROMTOOL).
#
# Idempotent: when .tools/bin/promtool already runs, it does nothing (delete
# .tools/promtool and .tools/bin/promtool to take a newer package). `apt-get
# update` runs (through sudo when not root, as on GitHub's Ubuntu runners) only
# when apt knows no candidate.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=prometheus
# The oldest promtool the unit-test files are known to work with: Debian 12
# ships 2.42, Ubuntu 24.04 ships 2.45.
MIN_VERSION=2.42
TOOLS=.tools
LINK=$TOOLS/bin/promtool

. scripts/lib.sh
start=$SECONDS

if [ -x "$LINK" ] && installed=$("$LINK" --version 2>&1 | head -n 1) && [ -n "$installed" ]; then
  log "promtool already installed: $LINK ($(readlink "$LINK")), $installed"
  exit 0
fi

for tool in apt-cache apt-get dpkg-deb tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "$tool not found: promtool is installed from the Debian/Ubuntu '$PACKAGE' package, which needs apt and dpkg. On another system install promtool >= $MIN_VERSION yourself and set PROMTOOL=/path/to/promtool (or link it at $LINK)"
  fi
done

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  fi
fi

candidate() {
  apt-cache policy "$PACKAGE" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'
}

version=$(candidate)
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  if [ "$(id -u)" -ne 0 ] && [ ${#sudo_cmd[@]} -eq 0 ]; then
    fail "apt knows no '$PACKAGE' package and updating its lists needs root: run 'sudo apt-get update', then run this script again"
  fi
  log "apt knows no '$PACKAGE' candidate: running ${sudo_cmd[*]:+${sudo_cmd[*]} }apt-get update"
  "${sudo_cmd[@]}" apt-get update -qq || fail "apt-get update failed; check the apt sources and the network"
  version=$(candidate)
fi
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  fail "no '$PACKAGE' package in the apt sources (on Ubuntu it is in 'universe': enable it and run 'sudo apt-get update')"
fi

upstream=${version#*:}
upstream=${upstream%%[+~-]*}
if [ "$(printf '%s\n%s\n' "$MIN_VERSION" "$upstream" | sort -V | head -n 1)" != "$MIN_VERSION" ]; then
  fail "apt offers $PACKAGE $version, older than $MIN_VERSION, whose unit-test format the alert tests rely on; install promtool >= $MIN_VERSION and set PROMTOOL=/path/to/promtool"
fi

dir=$TOOLS/promtool/${version//:/_}
binary=$dir/promtool

link() {
  mkdir -p "$TOOLS/bin"
  ln -sfn "../promtool/${version//:/_}/promtool" "$LINK"
}

if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
  link
  log "promtool from $PACKAGE $version already in $dir ($LINK) ($((SECONDS - start))s)"
  exit 0
fi

mkdir -p .cache "$TOOLS/promtool"
work=$(mktemp -d "$PWD/.cache/promtool.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "downloading $PACKAGE $version (not installed: only promtool is unpacked)"
download_opts=()
# apt drops to the _apt user to download; as root into a private directory that fails with a warning.
if [ "$(id -u)" -eq 0 ]; then download_opts=(-o APT::Sandbox::User=root); fi
(cd "$work" && apt-get download -qq "${download_opts[@]}" "$PACKAGE=$version") ||
  fail "apt-get download $PACKAGE=$version failed; check the network and the apt sources"
deb=$(find "$work" -maxdepth 1 -name "${PACKAGE}_*.deb" | head -n 1)
[ -n "$deb" ] || fail "apt-get download left no ${PACKAGE}_*.deb in $work"

mkdir -p "$work/root"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/root" ./usr/bin/promtool ||
  fail "$deb holds no usr/bin/promtool"
"$work/root/usr/bin/promtool" --version >/dev/null 2>&1 ||
  fail "the unpacked promtool does not run on this machine ($(uname -m))"

mkdir -p "$dir"
mv "$work/root/usr/bin/promtool" "$binary.tmp"
mv -f "$binary.tmp" "$binary"
link
log "installed $("$binary" --version 2>&1 | head -n 1) into $dir ($LINK) in $((SECONDS - start))s"
