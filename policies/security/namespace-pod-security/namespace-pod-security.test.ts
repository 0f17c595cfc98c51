import { describe, expect, it } from "vitest";
import { describeFixtures, withAdded } from "../../lib/testing.js";
import { runAll } from "../../lib/testing.js";
import { atKubernetes, diagnosticsOf, fixtureTree, pathsFound, rulesAfterInjecting } from "../lib/testing.js";
import { enforceVersionProblem, namespacePodSecurity } from "./namespace-pod-security.js";

const dir = import.meta.dirname;
const policy = namespacePodSecurity;
const V135 = { major: 1, minor: 35 };

describeFixtures(policy, dir);

describe("when reading an enforce-version label", () => {
  it.each([["latest"], ["v1.35"], ["v1.36"], ["v1.100"]])("should accept %s on a v1.35 cluster", (value) => {
    expect(enforceVersionProblem(value, V135)).toBeUndefined();
  });

  it.each([["v1.34"], ["v1.0"], ["1.35"], ["v1.035"], ["v2.0"], ["Latest"], [""]])("should reject %j on a v1.35 cluster", (value) => {
    expect(enforceVersionProblem(value, V135)).toBeDefined();
  });
});

describe("when a namespace holds pods", () => {
  it("should judge a platform namespace that holds pods", async () => {
    const tree = fixtureTree(dir, "bad-07.yaml", (objects) => {
      objects[0]!.metadata.labels = { "pod-security.kubernetes.io/enforce": "restricted" };
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });

  it("should not judge a platform namespace without pods", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-platform-namespace.yaml"))).toEqual([]);
  });
});

describe("when a namespace omits the version", () => {
  it("should accept it, since PodSecurity then judges at the cluster's own version", async () => {
    const tree = fixtureTree(dir, "good-app-namespace.yaml", (objects) => {
      delete objects[0]!.metadata.labels["pod-security.kubernetes.io/enforce-version"];
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when the cluster runs a newer Kubernetes than the policies implement", () => {
  it("should warn once, for the cluster", async () => {
    const diagnostics = await diagnosticsOf(policy, atKubernetes(fixtureTree(dir, "good-latest.yaml"), "1.36.0"));
    expect(diagnostics.map((d) => [d.severity, d.resource, d.path])).toEqual([["Warning", "", ""]]);
  });

  it("should not warn at the implemented version", async () => {
    expect(await diagnosticsOf(policy, atKubernetes(fixtureTree(dir, "good-latest.yaml"), "1.35.0"))).toEqual([]);
  });
});

describe("when a weakened namespace is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/namespace-kades.yaml", (o) => {
      o.metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged";
    });
    expect(rules).toContain("security/namespace-pod-security");
  });

  it("should name the rule when a workload is added in a namespace the tree does not define", async () => {
    const tree = withAdded("prod", "apps/kades/pod-debug.yaml", [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: "default" }, spec: { containers: [{ name: "shell", image: "docker.io/library/busybox:1.36.1" }] } },
    ]);
    expect((await runAll(tree)).map((d) => d.rule)).toContain("security/namespace-pod-security");
  });
});
