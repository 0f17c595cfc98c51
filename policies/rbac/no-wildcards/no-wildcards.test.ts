import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, describeFixtures, injected, runAll, withAdded } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { noWildcards, wildcardsOf } from "./no-wildcards.js";

describeFixtures(noWildcards, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;
const role = (rules: object[]): KubeObject => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r", namespace: "kades" }, rules });

describe("when reading rules", () => {
  it.each([
    ["apiGroups", ["*"], "rules[0].apiGroups[0]"],
    ["resources", ["pods", "*"], "rules[0].resources[1]"],
    ["resources", ["*/status"], "rules[0].resources[0]"],
    ["verbs", ["get", "*"], "rules[0].verbs[1]"],
    ["resourceNames", ["redis-*"], "rules[0].resourceNames[0]"],
    ["nonResourceURLs", ["/metrics/*"], "rules[0].nonResourceURLs[0]"],
  ])("should find the wildcard in %s %j at %s", (field, entries, path) => {
    expect(wildcardsOf(role([{ [field]: entries }])).map((w) => w.path)).toEqual([path]);
  });

  it.each([
    ["apiGroups", ["", "apps"]],
    ["resources", ["pods", "pods/log", "deployments/scale"]],
    ["verbs", ["get", "list", "watch"]],
    ["resourceNames", ["redis-credentials"]],
    ["nonResourceURLs", ["/healthz", "/metrics"]],
  ])("should find none in %s %j", (field, entries) => {
    expect(wildcardsOf(role([{ [field]: entries }]))).toEqual([]);
  });
});

describe("when the role with wildcards belongs to the platform", () => {
  it("should accept it while only platform identities hold it", async () => {
    expect(await checkFixture(noWildcards, fixture("good-platform.yaml"))).toEqual([]);
  });

  it("should report the binding, not the role, once an app identity holds it", async () => {
    const found = await checkFixture(noWildcards, fixture("bad-05.yaml"));
    expect(found.map((d) => [d.resource, d.path])).toEqual([["ClusterRoleBinding/argocd-application-controller", "roleRef.name"]]);
    expect(found[0]?.fix).toContain("`apiAccess` in apps/kades");
  });
});

describe("when the committed prod tree gets a wildcard", () => {
  it("should name the rule for a hand-edited app Role", async () => {
    const tree = injected("prod", "/iot-anomaly-detection/role-anomaly-detection-sa.yaml", (o) => {
      o.rules[1].verbs = ["*"];
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "rbac/no-wildcards");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Role/anomaly-detection-sa", "rules[1].verbs[0]"]]);
  });

  it("should name the rule for a platform ClusterRole bound to an app ServiceAccount", async () => {
    const tree = withAdded("prod", "platform/rbac.yaml", [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "everything" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "everything" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "everything" },
        subjects: [{ kind: "ServiceAccount", name: "pynomaly-worker", namespace: "pynomaly-production" }],
      },
    ]);
    const found = await runPolicy(noWildcards, tree);
    expect(found.map((d) => d.resource)).toEqual(["ClusterRoleBinding/everything"]);
  });
});
