import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { networkPolicySelectsPods } from "./network-policy-selects-pods.js";

describeFixtures(networkPolicySelectsPods, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a policy selects cert-manager's ACME solver pods", () => {
  it("should know them only where an ACME issuer with an HTTP-01 solver signs a certificate of the namespace", async () => {
    expect(await checkFixture(networkPolicySelectsPods, fixture("good-acme-solver.yaml"))).toEqual([]);
    for (const name of ["bad-02.yaml", "bad-03.yaml"]) {
      const found = await checkFixture(networkPolicySelectsPods, fixture(name));
      expect(found.map((d) => d.resource)).toEqual(["NetworkPolicy/allow-acme-http01-solver"]);
    }
  });

  it("should give the solver the labels the issuer's pod template adds", async () => {
    const tree = injected("prod", "/kades/networkpolicy-allow-acme-http01-solver.yaml", (o) => {
      o.spec.podSelector.matchLabels["iot-fleet.io/solver"] = "http01";
      return o as KubeObject;
    });
    expect(await runPolicy(networkPolicySelectsPods, tree)).toHaveLength(1);
    const withTemplate = {
      ...tree,
      documents: tree.documents.map((d) => {
        if (d.object.kind !== "ClusterIssuer") return d;
        const issuer = structuredClone(d.object) as Record<string, any>;
        issuer.spec.acme.solvers[0].http01.ingress.podTemplate = { metadata: { labels: { "iot-fleet.io/solver": "http01" } } };
        return { ...d, object: issuer as KubeObject };
      }),
    };
    expect(await runPolicy(networkPolicySelectsPods, withTemplate)).toEqual([]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(networkPolicySelectsPods, committedCluster(name))).toEqual([]);
  });

  it("should accept prod's ACME solver policies, which select pods no template of the tree declares", async () => {
    const solverPolicies = committedCluster("prod").documents.filter((d) => d.file.endsWith("networkpolicy-allow-acme-http01-solver.yaml"));
    expect(solverPolicies.length).toBeGreaterThan(0);
  });

  it("should name the rule, file, object, field and fix when prod's issuer stops using ACME", async () => {
    const tree = injected("prod", "/cert-manager/clusterissuer-letsencrypt-prod.yaml", (o) => {
      o.spec = { selfSigned: {} };
      return o as KubeObject;
    });
    const found = await runPolicy(networkPolicySelectsPods, tree);
    expect(found.length).toBe(5);
    expect(found.every((d) => d.rule === "references/network-policy-selects-pods" && d.resource === "NetworkPolicy/allow-acme-http01-solver" && d.path === "spec.podSelector")).toBe(true);
    expect(found.map((d) => d.file)).toContain("clusters/prod/apps/kades/networkpolicy-allow-acme-http01-solver.yaml");
  });
});
