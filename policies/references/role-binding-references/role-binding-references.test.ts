import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { roleBindingReferences } from "./role-binding-references.js";

describeFixtures(roleBindingReferences, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a subject names another namespace", () => {
  it("should look for the ServiceAccount there and place the finding at its namespace", async () => {
    const found = await checkFixture(roleBindingReferences, fixture("bad-03.yaml"));
    expect(found.map((d) => d.path)).toEqual(["subjects[0].namespace"]);
    expect(found[0]?.problem).toContain("is \"iot\", but nothing creates ServiceAccount iot/anomaly-detection-sa (there: default)");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s, which binds Roles", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.some((d) => d.object.kind === "RoleBinding")).toBe(true);
    expect(await runPolicy(roleBindingReferences, cluster)).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a Role of prod is deleted", async () => {
    const tree = injected("prod", "/iot-anomaly-detection/role-anomaly-detection-sa.yaml", () => []);
    const found = await runPolicy(roleBindingReferences, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/role-binding-references", "clusters/prod/apps/iot-anomaly-detection/rolebinding-anomaly-detection-sa.yaml", "RoleBinding/anomaly-detection-sa", "roleRef.name"],
    ]);
    expect(found[0]?.fix).toContain("`apiAccess` of the component that runs as ServiceAccount anomaly-detection-sa in apps/iot-anomaly-detection");
  });

  it("should name the subject when the bound ServiceAccount of prod is renamed", async () => {
    const tree = injected("prod", "/iot-anomaly-detection/serviceaccount-anomaly-detection-sa.yaml", (o) => {
      o.metadata.name = "anomaly-detection";
      return o as KubeObject;
    });
    expect((await runPolicy(roleBindingReferences, tree)).map((d) => d.path)).toEqual(["subjects[0].name"]);
  });
});
