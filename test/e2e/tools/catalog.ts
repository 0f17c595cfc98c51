/**
 * The upstream programs the e2e harness runs, as data: which Go module at
 * which version, how its build module is written, which binaries come out and
 * which upstream files travel with them. `build.ts` turns each row into
 * binaries in the tools cache; the harness only asks `toolPath()`.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { CRD_MODULES, GO_TOOLCHAIN, KUBERNETES_VERSION } from "../../../generators/fleet/versions.js";
import { CERT_MANAGER_TOOL } from "./cert-manager/row.js";

/** A file or folder copied from the module source into the tool's cache folder. */
export interface CopiedFile {
  /** Module path@version it comes from (downloaded with `go mod download`). */
  readonly module: string;
  /** Path inside that module. */
  readonly from: string;
  /** Path inside the tool's cache folder. */
  readonly to: string;
}

export interface GoTool {
  /** Folder name in the cache, and how the harness names it. */
  readonly name: string;
  readonly version: string;
  /** A newer Go than the machine's, fetched by the go command itself (set for this build only). */
  readonly toolchain?: string;
  /** A module@version whose own go.mod `goMod` reads (to copy its replace block). */
  readonly upstreamGoMod?: string;
  /** The build module's go.mod, from the upstream go.mod named above (empty when none is). */
  readonly goMod: (upstreamGoMod: string) => string;
  /** Extra files of the build module (a `main.go` wrapper). */
  readonly sources?: Readonly<Record<string, string>>;
  /** Package to build → binary name. */
  readonly binaries: Readonly<Record<string, string>>;
  readonly ldflags: readonly string[];
  readonly copies?: readonly CopiedFile[];
  /** A command whose output must contain `expect` for a cached build to count. */
  readonly check: { readonly binary: string; readonly args: readonly string[]; readonly expect: string };
}

/** The tools cache: outside the clone, so a fresh clone on the same machine rebuilds nothing. */
export function toolsCacheDir(): string {
  const configured = process.env["FLEET_E2E_TOOLS"];
  if (configured) return configured;
  const base = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(base, "iot-fleet-gitops", "e2e-tools");
}

export const ETCD_VERSION = "v3.6.16";
export const KWOK_VERSION = "v0.8.0";
export const ARGOCD_VERSION = CRD_MODULES.argoCd.version;
/** The metrics-server release the pinned chart (HELM_CHARTS.metricsServer 3.13.0) ships. */
export const METRICS_SERVER_VERSION = "v0.8.0";
/**
 * The external-secrets controller the e2e runs. The fleet's pin (v1.3.2, its
 * CRDs) replaces 56 provider and API modules with local paths that are not
 * published on the Go module proxy, so it cannot be built here; v0.16.2 is the
 * newest release the proxy serves whole, and it reconciles the same
 * external-secrets.io/v1 kinds.
 */
export const EXTERNAL_SECRETS_CONTROLLER_VERSION = "v0.16.2";

const K8S = `v${KUBERNETES_VERSION}`;
/** Published version of the k8s.io/* staging modules of that Kubernetes release. */
const K8S_STAGING = `v0.${KUBERNETES_VERSION.split(".").slice(1).join(".")}`;

/** k8s.io/kubernetes replaces its 31 staging modules with `./staging/...`; a module built from the proxy names their published versions. */
export const KUBERNETES_STAGING_MODULES = [
  "api", "apiextensions-apiserver", "apimachinery", "apiserver", "cli-runtime", "client-go", "cloud-provider",
  "cluster-bootstrap", "code-generator", "component-base", "component-helpers", "controller-manager", "cri-api",
  "cri-client", "csi-translation-lib", "dynamic-resource-allocation", "endpointslice", "externaljwt", "kms",
  "kube-aggregator", "kube-controller-manager", "kube-proxy", "kube-scheduler", "kubectl", "kubelet", "metrics",
  "mount-utils", "pod-security-admission", "sample-apiserver", "sample-cli-plugin", "sample-controller",
] as const;

function goMod(name: string, goLine: string, requires: Readonly<Record<string, string>>, replaces = ""): string {
  const req = Object.entries(requires).map(([m, v]) => `\t${m} ${v}\n`).join("");
  return `module fleet.local/e2e-tools/${name}\n\ngo ${goLine}\n\nrequire (\n${req})\n${replaces}`;
}

const kubernetesVersionFlags = (pkg: string): string[] => {
  const [major, minor] = KUBERNETES_VERSION.split(".");
  return [
    `-X ${pkg}.gitVersion=${K8S}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
};

/**
 * The replace block of an upstream go.mod, without its local-path replaces.
 * Argo CD's replaces its nested gitops-engine with `./gitops-engine`; the
 * release tags that module too, so the wrapper takes it from the proxy and
 * keeps every other line (k8s.io pins, CVE pins) as upstream has it.
 */
export function upstreamReplaces(upstreamGoMod: string): string {
  const lines: string[] = [];
  for (const block of upstreamGoMod.matchAll(/^replace \(\n([\s\S]*?)^\)/gm)) lines.push(...(block[1] ?? "").split("\n"));
  for (const single of upstreamGoMod.matchAll(/^replace (.+)$/gm)) if (!single[1]?.startsWith("(")) lines.push(single[1] ?? "");
  const kept = lines
    .map((l) => l.replace(/\/\/.*$/, "").trim())
    .filter((l) => l.includes("=>") && !/=>\s*\.{1,2}\//.test(l));
  return `\nreplace (\n${kept.map((l) => `\t${l}`).join("\n")}\n)\n`;
}

export const TOOLS: readonly GoTool[] = [
  {
    name: "kubernetes",
    version: K8S,
    goMod: () =>
      goMod(
        "kubernetes",
        "1.25.0",
        { "k8s.io/kubernetes": K8S },
        `\nreplace (\n${KUBERNETES_STAGING_MODULES.map((m) => `\tk8s.io/${m} => k8s.io/${m} ${K8S_STAGING}`).join("\n")}\n)\n`,
      ),
    sources: { "tools.go": toolsImports(["k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager", "k8s.io/kubernetes/cmd/kube-scheduler", "k8s.io/kubernetes/cmd/kubectl"]) },
    binaries: {
      "k8s.io/kubernetes/cmd/kube-apiserver": "kube-apiserver",
      "k8s.io/kubernetes/cmd/kube-controller-manager": "kube-controller-manager",
      "k8s.io/kubernetes/cmd/kube-scheduler": "kube-scheduler",
      "k8s.io/kubernetes/cmd/kubectl": "kubectl",
    },
    ldflags: [...kubernetesVersionFlags("k8s.io/component-base/version"), ...kubernetesVersionFlags("k8s.io/client-go/pkg/version")],
    check: { binary: "kube-apiserver", args: ["--version"], expect: `Kubernetes ${K8S}` },
  },
  {
    name: "etcd",
    version: ETCD_VERSION,
    // The server module's own go.mod replaces ../api and friends, so it cannot be `go install`ed; a one-line main calls its entry point.
    goMod: () => goMod("etcd", "1.26.0", { "go.etcd.io/etcd/server/v3": ETCD_VERSION }),
    sources: {
      "main.go": `// etcd, built from its published server module.\npackage main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n`,
    },
    binaries: { ".": "etcd" },
    ldflags: [],
    check: { binary: "etcd", args: ["--version"], expect: `etcd Version: ${ETCD_VERSION.slice(1)}` },
  },
  {
    name: "kwok",
    version: KWOK_VERSION,
    goMod: () => goMod("kwok", "1.26.0", { "sigs.k8s.io/kwok": KWOK_VERSION }),
    sources: { "tools.go": toolsImports(["sigs.k8s.io/kwok/cmd/kwok"]) },
    binaries: { "sigs.k8s.io/kwok/cmd/kwok": "kwok" },
    ldflags: [`-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION.slice(1)}`],
    copies: [
      ...["node/fast/node-initialize.yaml", "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"].map((f) => ({
        module: `sigs.k8s.io/kwok@${KWOK_VERSION}`,
        from: `kustomize/stage/${f}`,
        to: `stages/${f.split("/").pop()}`,
      })),
      ...["pod-ready.yaml", "pod-complete.yaml", "pod-delete.yaml"].map((f) => ({
        module: `sigs.k8s.io/kwok@${KWOK_VERSION}`,
        from: `kustomize/stage/pod/fast/${f}`,
        to: `stages/${f}`,
      })),
      { module: `sigs.k8s.io/kwok@${KWOK_VERSION}`, from: "kustomize/metrics/resource/metrics-resource.yaml", to: "metrics/metrics-resource.yaml" },
      { module: `sigs.k8s.io/kwok@${KWOK_VERSION}`, from: "kustomize/metrics/usage/usage-from-annotation.yaml", to: "metrics/usage-from-annotation.yaml" },
    ],
    check: { binary: "kwok", args: ["--version"], expect: KWOK_VERSION.slice(1) },
  },
  {
    name: "argocd",
    version: ARGOCD_VERSION,
    // v3.6 needs Go 1.27; the go command fetches that toolchain from the module proxy for this build only.
    toolchain: GO_TOOLCHAIN,
    upstreamGoMod: `github.com/argoproj/argo-cd/v3@${ARGOCD_VERSION}`,
    goMod: (upstream) => goMod("argocd", "1.27.0", { "github.com/argoproj/argo-cd/v3": ARGOCD_VERSION }, upstreamReplaces(upstream)),
    sources: { "tools.go": toolsImports(["github.com/argoproj/argo-cd/v3/cmd"]) },
    binaries: { "github.com/argoproj/argo-cd/v3/cmd": "argocd" },
    ldflags: [
      `-X github.com/argoproj/argo-cd/v3/common.version=${ARGOCD_VERSION.slice(1)}`,
      `-X github.com/argoproj/argo-cd/v3/common.gitTag=${ARGOCD_VERSION}`,
      "-X github.com/argoproj/argo-cd/v3/common.gitTreeState=clean",
    ],
    copies: [
      { module: `github.com/argoproj/argo-cd/v3@${ARGOCD_VERSION}`, from: "hack/git-verify-wrapper.sh", to: "bin/git-verify-wrapper.sh" },
      { module: `github.com/argoproj/argo-cd/v3@${ARGOCD_VERSION}`, from: "manifests", to: "manifests" },
    ],
    check: { binary: "argocd", args: ["version", "--client", "--short"], expect: ARGOCD_VERSION },
  },
  {
    name: "metrics-server",
    version: METRICS_SERVER_VERSION,
    goMod: () => goMod("metrics-server", "1.24.4", { "sigs.k8s.io/metrics-server": METRICS_SERVER_VERSION }),
    sources: { "tools.go": toolsImports(["sigs.k8s.io/metrics-server/cmd/metrics-server"]) },
    binaries: { "sigs.k8s.io/metrics-server/cmd/metrics-server": "metrics-server" },
    ldflags: [`-X k8s.io/client-go/pkg/version.gitVersion=${METRICS_SERVER_VERSION}`],
    check: { binary: "metrics-server", args: ["--version"], expect: METRICS_SERVER_VERSION },
  },
  {
    name: "external-secrets",
    version: EXTERNAL_SECRETS_CONTROLLER_VERSION,
    goMod: () => goMod("external-secrets", "1.24.2", { "github.com/external-secrets/external-secrets": EXTERNAL_SECRETS_CONTROLLER_VERSION }),
    sources: {
      "main.go": `// The external-secrets controller, as upstream's main.go runs it.\npackage main\n\nimport "github.com/external-secrets/external-secrets/cmd/controller"\n\nfunc main() { controller.Execute() }\n`,
    },
    binaries: { ".": "external-secrets" },
    ldflags: [],
    check: { binary: "external-secrets", args: ["--help"], expect: "enable-cluster-store-reconciler" },
  },
  CERT_MANAGER_TOOL,
];

function toolsImports(packages: readonly string[]): string {
  return `//go:build tools\n\n// Pins the packages built from this module.\npackage tools\n\nimport (\n${packages.map((p) => `\t_ "${p}"\n`).join("")})\n`;
}

export function findTool(name: string): GoTool {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`no e2e tool named ${name}; known: ${TOOLS.map((t) => t.name).join(", ")}`);
  return tool;
}

/** Folder of one built tool: `<cache>/<name>/<version>/`. */
export function toolDir(name: string): string {
  return join(toolsCacheDir(), name, findTool(name).version);
}

/** Path of a binary of a built tool (`bin/<binary>`). */
export function toolPath(name: string, binary: string = name): string {
  return join(toolDir(name), "bin", binary);
}
