#!/usr/bin/env bash
# Installs the pinned upstream tools the test suite runs, into ignored
# directories (.tools/, .cache/): kubeconform and its offline schemas from the
# Go module proxy, promtool from the Debian/Ubuntu `prometheus` package.
# Idempotent and cached: a second run with unchanged pins does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-promtool.sh
bash scripts/install-kubeconform.sh
