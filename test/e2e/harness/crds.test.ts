import { describe, expect, it } from "vitest";
import { crdsFor } from "./crds.js";
import type { KubeObject } from "./kubectl.js";

const crd = (group: string, kind: string): KubeObject => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: { group, names: { kind } },
});
const ALL = [
  crd("monitoring.coreos.com", "ServiceMonitor"),
  crd("monitoring.coreos.com", "Prometheus"),
  crd("argoproj.io", "Application"),
  crd("argoproj.io", "ApplicationSet"),
  crd("external-secrets.io", "PushSecret"),
  crd("generators.external-secrets.io", "Password"),
  crd("acme.cert-manager.io", "Challenge"),
];
const names = (crds: readonly KubeObject[]): unknown[] => crds.map((c) => c.metadata?.name);

describe("when choosing the CRDs a tree needs", () => {
  it("should serve every CRD of a controller that runs, and only the used kinds of the rest", () => {
    const tree: KubeObject[] = [
      { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "a" } },
      { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "b" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "c" } },
    ];
    expect(names(crdsFor(ALL, tree))).toEqual([
      "servicemonitors.monitoring.coreos.com",
      "applications.argoproj.io",
      "pushsecrets.external-secrets.io",
      "passwords.generators.external-secrets.io",
      "challenges.acme.cert-manager.io",
    ]);
  });

  it("should not take a kind of the same name from another group", () => {
    const tree: KubeObject[] = [{ apiVersion: "example.com/v1", kind: "Prometheus", metadata: { name: "p" } }];
    expect(names(crdsFor(ALL, tree))).not.toContain("prometheuss.monitoring.coreos.com");
  });
});
