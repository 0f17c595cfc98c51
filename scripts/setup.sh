#!/usr/bin/env bash
# Installs the pinned upstream tools the test suite runs: promtool from the
# Debian/Ubuntu `prometheus` package and kubeconform with its offline schemas
# from the Go module proxy into ignored directories (.tools/, .cache/), and
# actionlint from the Go module proxy into the tools cache outside the clone.
# Idempotent and cached: a second run with unchanged pins does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-promtool.sh
bash scripts/install-kubeconform.sh
bash scripts/install-actionlint.sh
