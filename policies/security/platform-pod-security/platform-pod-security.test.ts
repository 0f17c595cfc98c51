import { describe, expect, it } from "vitest";
import { PLATFORM_POD_SECURITY, podSecurityOf } from "../../../generators/platform/namespaces.js";
import { prod } from "../../../generators/fleet/clusters.js";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { platformPodSecurity } from "./platform-pod-security.js";

describeFixtures(platformPodSecurity, import.meta.dirname);

describe("when reading the declared levels", () => {
  it("should run every add-on whose chart passes restricted under restricted, and say why monitoring cannot", () => {
    expect(Object.fromEntries(Object.entries(PLATFORM_POD_SECURITY).map(([name, d]) => [name, d.level]))).toEqual({
      "cert-manager": "restricted",
      "external-secrets": "restricted",
      "ingress-nginx": "restricted",
      monitoring: "privileged",
    });
    expect(PLATFORM_POD_SECURITY["monitoring"]?.reason).toContain("prometheus-node-exporter");
  });

  it("should refuse to render a platform namespace nobody declared", () => {
    expect(() => podSecurityOf(prod, "logging")).toThrow(/platform namespace logging has no Pod Security level; declare it in PLATFORM_POD_SECURITY \(generators\/platform\/namespaces.ts\)/);
  });
});

describe("when a platform namespace of the committed prod tree is quietly dropped to privileged", () => {
  it.each(["cert-manager", "external-secrets", "ingress-nginx"])("should name %s, the enforce label and the declaration", async (name) => {
    const tree = injected("prod", `platform/namespaces/namespace-${name}.yaml`, (o) => {
      o.metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "security/platform-pod-security");
    expect(found.map((d) => [d.resource, d.path])).toEqual([[`Namespace/${name}`, 'metadata.labels["pod-security.kubernetes.io/enforce"]']]);
    expect(found[0]?.problem).toContain('declares "restricted"');
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  const cluster = committedCluster(name);

  it("should find platform namespaces to judge, and nothing wrong with them", async () => {
    expect(cluster.documents.filter((d) => d.file.includes("/platform/namespaces/")).length).toBeGreaterThan(0);
    expect(await runPolicy(platformPodSecurity, cluster)).toEqual([]);
  });
});
