import { describe, expect, it } from "vitest";
import { addonProcesses, type AddonContext } from "./processes.js";
import { metricsServerCertPaths } from "./serving-cert.js";

const ctx: AddonContext = {
  kubeconfig: "/state/admin.kubeconfig",
  stateDir: "/state",
  ports: { externalSecretsMetrics: 21011, externalSecretsHealth: 21012, certManagerMetrics: 21013, certManagerHealth: 21014, metricsServer: 21015 },
};

const flagValue = (args: readonly string[], flag: string): string | undefined =>
  args.find((a) => a === `--${flag}` || a.startsWith(`--${flag}=`))?.split("=").slice(1).join("=");

describe("when listing the add-on controllers", () => {
  const rows = addonProcesses(ctx);
  const row = (name: string) => {
    const r = rows.find((p) => p.name === name);
    if (!r) throw new Error(`no row ${name}`);
    return r;
  };

  it("should run external-secrets, cert-manager and metrics-server in that order", () => {
    expect(rows.map((r) => r.name)).toEqual(["external-secrets", "cert-manager", "metrics-server"]);
  });

  it("should bind every listener to 127.0.0.1 on its own port", () => {
    const listeners = rows.flatMap((r) =>
      r.args.filter((a) => /^--(metrics-addr|metrics-listen-address|healthz-listen-address|bind-address)=/.test(a)).map((a) => a.split("=")[1]),
    );
    expect(listeners).toEqual(["127.0.0.1:21011", "127.0.0.1:21013", "127.0.0.1:21014", "127.0.0.1"]);
    expect(flagValue(row("metrics-server").args, "secure-port")).toBe("21015");
  });

  it("should never listen on all interfaces", () => {
    for (const r of rows) for (const a of r.args) expect(a).not.toMatch(/=(:\d+|0\.0\.0\.0.*|\[::\].*)$/);
  });

  it("should turn leader election off where the controller has it", () => {
    expect(flagValue(row("external-secrets").args, "enable-leader-election")).toBe("false");
    // The cert-manager wrapper has no leader election and no flag for it.
    expect(flagValue(row("cert-manager").args, "leader-elect")).toBeUndefined();
  });

  it("should point every controller at the kubeconfig", () => {
    expect(row("external-secrets").env?.["KUBECONFIG"]).toBe(ctx.kubeconfig);
    expect(flagValue(row("cert-manager").args, "kubeconfig")).toBe(ctx.kubeconfig);
    for (const f of ["kubeconfig", "authentication-kubeconfig", "authorization-kubeconfig"]) expect(flagValue(row("metrics-server").args, f)).toBe(ctx.kubeconfig);
  });

  it("should keep ClusterIssuer secrets in the cert-manager namespace", () => {
    expect(flagValue(row("cert-manager").args, "cluster-resource-namespace")).toBe("cert-manager");
  });

  it("should check readiness on health endpoints, metrics-server's over TLS with its own CA", () => {
    expect(row("cert-manager").ready).toEqual({ kind: "http", url: "http://127.0.0.1:21014/healthz" });
    expect(row("external-secrets").ready).toEqual({ kind: "http", url: "http://127.0.0.1:21011/metrics" });
    expect(row("metrics-server").ready).toEqual({ kind: "http", url: "https://127.0.0.1:21015/livez", ca: metricsServerCertPaths("/state").ca });
  });

  it("should serve metrics-server with the certificate in the state folder", () => {
    const tls = metricsServerCertPaths("/state");
    expect(flagValue(row("metrics-server").args, "tls-cert-file")).toBe(tls.cert);
    expect(flagValue(row("metrics-server").args, "tls-private-key-file")).toBe(tls.key);
  });
});

describe("when metrics-server scrapes kwok's emulated kubelets", () => {
  it("should use the node's InternalIP and status port", () => {
    const args = addonProcesses(ctx)[2]?.args ?? [];
    expect(flagValue(args, "kubelet-preferred-address-types")).toBe("InternalIP");
    expect(args).toContain("--kubelet-use-node-status-port");
  });

  it("should verify kwok's certificate when given its CA", () => {
    const args = addonProcesses({ ...ctx, kubeletCaFile: "/state/pki/ca.crt" })[2]?.args ?? [];
    expect(flagValue(args, "kubelet-certificate-authority")).toBe("/state/pki/ca.crt");
    expect(args).not.toContain("--kubelet-insecure-tls");
  });

  it("should skip kubelet TLS verification without a CA, as kwokctl does", () => {
    const args = addonProcesses(ctx)[2]?.args ?? [];
    expect(args).toContain("--kubelet-insecure-tls");
    expect(flagValue(args, "kubelet-certificate-authority")).toBeUndefined();
  });
});
