/**
 * Argo CD as processes against the e2e control plane, as upstream's own
 * Procfile runs it: the application controller and the repo-server from the
 * project-built `argocd` multi-call binary, with Debian's redis-server as its
 * cache. `ARGOCD_FAKE_IN_CLUSTER=true` maps https://kubernetes.default.svc to
 * the kubeconfig, so the committed Applications reach this API server
 * unchanged. Its configuration (argocd-cm, argocd-secret, argocd-rbac-cm and
 * the CRDs) comes from upstream's manifests at the pinned release.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { toolDir, toolPath } from "../tools/catalog.js";
import type { KubeObject } from "./kubectl.js";
import type { PortSet } from "./ports.js";
import type { ProcessSpec } from "./process.js";

export const ARGOCD_NAMESPACE = "argocd";

export interface ArgoCdContext {
  readonly stateDir: string;
  readonly ports: PortSet;
  readonly kubeconfig: string;
  /** Environment the repo-server needs to fetch the commit under test (proxy and trusted CA). */
  readonly gitEnv: Readonly<Record<string, string>>;
}

/** Upstream's manifests folder, copied next to the binary by the tools build. */
function manifests(...path: string[]): string {
  return join(toolDir("argocd"), "manifests", ...path);
}

function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === "object");
}

/**
 * Upstream's base configuration objects, in the argocd namespace, with
 * `argocdCm` data merged into argocd-cm (the repo's own customizations, as the
 * root Application patches them in).
 */
export function argoCdConfig(argocdCm: Readonly<Record<string, string>>): KubeObject[] {
  const wanted = ["argocd-cm.yaml", "argocd-rbac-cm.yaml", "argocd-secret.yaml", "argocd-cmd-params-cm.yaml", "argocd-tls-certs-cm.yaml", "argocd-ssh-known-hosts-cm.yaml", "argocd-gpg-keys-cm.yaml"];
  return wanted.flatMap((f) =>
    readObjects(manifests("base", "config", f)).map((o) => {
      const withNs = { ...o, metadata: { ...o.metadata, namespace: ARGOCD_NAMESPACE } };
      if (o.metadata?.name !== "argocd-cm") return withNs;
      return { ...withNs, data: { ...((o["data"] as Record<string, string> | undefined) ?? {}), ...argocdCm } };
    }),
  );
}

export function argoCdRows(ctx: ArgoCdContext): ProcessSpec[] {
  const { ports, stateDir } = ctx;
  const data = (name: string): string => {
    const dir = join(stateDir, "argocd", name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const common = {
    ARGOCD_FAKE_IN_CLUSTER: "true",
    KUBECONFIG: ctx.kubeconfig,
    ARGOCD_SSH_DATA_PATH: data("ssh"),
    ARGOCD_GNUPGHOME: data("gnupg"),
    ARGOCD_GPG_DATA_PATH: data("gpg-source"),
    ARGOCD_GPG_ENABLED: "false",
  };
  const redis = `127.0.0.1:${ports.redis}`;
  return [
    {
      name: "redis",
      command: "redis-server",
      args: ["--bind", "127.0.0.1", "--port", String(ports.redis), "--save", "", "--appendonly", "no", "--dir", data("redis")],
      ready: { kind: "tcp", port: ports.redis },
    },
    {
      name: "argocd-repo-server",
      command: toolPath("argocd"),
      args: [
        "--address=127.0.0.1",
        `--port=${ports.repoServer}`,
        "--metrics-address=127.0.0.1",
        `--metrics-port=${ports.repoServerMetrics}`,
        "--disable-tls",
        "--client-ca-path=",
        `--redis=${redis}`,
        // A new commit on the branch (the next catalogue case) is seen at once, not after upstream's 3 minutes.
        "--revision-cache-expiration=5s",
        "--loglevel=info",
      ],
      env: {
        ...common,
        ...ctx.gitEnv,
        ARGOCD_BINARY_NAME: "argocd-repo-server",
        // Upstream's image puts git-verify-wrapper.sh beside git; the repo-server calls it by name.
        PATH: `${join(toolDir("argocd"), "bin")}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
        TMPDIR: data("tmp"),
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
      },
      ready: { kind: "http", url: `http://127.0.0.1:${ports.repoServerMetrics}/healthz` },
    },
    {
      name: "argocd-application-controller",
      command: toolPath("argocd"),
      args: [
        `--namespace=${ARGOCD_NAMESPACE}`,
        `--repo-server=127.0.0.1:${ports.repoServer}`,
        "--repo-server-plaintext",
        `--redis=${redis}`,
        `--metrics-port=${ports.applicationControllerMetrics}`,
        "--status-processors=10",
        "--operation-processors=10",
        "--loglevel=info",
      ],
      env: { ...common, ARGOCD_BINARY_NAME: "argocd-application-controller", HOSTNAME: "argocd-application-controller-0" },
      ready: { kind: "http", url: `http://127.0.0.1:${ports.applicationControllerMetrics}/healthz` },
    },
  ];
}
