/**
 * The cert-manager controller as an e2e tool row, at the fleet's pin.
 *
 * Upstream's entry point `cmd/controller` is a nested module
 * (github.com/cert-manager/cert-manager/cmd/controller) the Go module proxy
 * does not serve; only the root module is published. `main.go` beside this
 * file is our own small entry point over that root module: it builds the
 * controller ContextFactory the way upstream's `cmd/controller/app` does,
 * runs the controllers registered in `controller.Known()` and serves
 * `/healthz` and `/metrics` on 127.0.0.1 (no leader election). The Venafi
 * issuer is left out: its client module (github.com/Venafi/vcert/v5) is not on
 * the proxy either. The root go.mod of v1.21.2 has no replace lines.
 */
import { readFileSync } from "node:fs";
import { CRD_MODULES } from "../../../../generators/fleet/versions.js";
import type { GoTool } from "../catalog.js";

export const CERT_MANAGER_VERSION = CRD_MODULES.certManager.version;

/** The wrapper's source, shipped into the build module as its `main.go`. */
const MAIN_GO = readFileSync(new URL("./main.go", import.meta.url), "utf8");

export const CERT_MANAGER_TOOL: GoTool = {
  name: "cert-manager",
  version: CERT_MANAGER_VERSION,
  // The go line of cert-manager's own go.mod at this version.
  goMod: () =>
    `module fleet.local/e2e-tools/cert-manager\n\ngo 1.26.0\n\nrequire (\n\t${CRD_MODULES.certManager.module} ${CERT_MANAGER_VERSION}\n)\n`,
  sources: { "main.go": MAIN_GO },
  binaries: { ".": "cert-manager-controller" },
  ldflags: [`-X github.com/cert-manager/cert-manager/pkg/util.AppVersion=${CERT_MANAGER_VERSION}`],
  check: { binary: "cert-manager-controller", args: ["--version"], expect: CERT_MANAGER_VERSION },
};
