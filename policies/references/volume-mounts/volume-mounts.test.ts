import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { volumeMounts } from "./volume-mounts.js";

describeFixtures(volumeMounts, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a StatefulSet's claim template is renamed", () => {
  it("should report the mount of every container that used it, init containers included", async () => {
    const found = await checkFixture(volumeMounts, fixture("bad-02.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.template.spec.initContainers[0].volumeMounts[0].name", "spec.template.spec.containers[0].volumeMounts[0].name"]);
    expect(found[0]?.fix).toContain("`initContainers[clone-replica].mounts` of component timescaledb");
  });
});

describe("when a Deployment mounts a name only a StatefulSet could offer", () => {
  it("should not count claim templates outside StatefulSets", async () => {
    const tree = injected("prod", "/kades/deployment-kades-api.yaml", (o) => {
      o.spec.volumeClaimTemplates = [{ metadata: { name: "data" } }];
      o.spec.template.spec.containers[0].volumeMounts.push({ name: "data", mountPath: "/data" });
      return o as KubeObject;
    });
    expect((await runPolicy(volumeMounts, tree)).map((d) => d.path)).toEqual(["spec.template.spec.containers[0].volumeMounts[1].name"]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(volumeMounts, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a pod volume of prod is dropped", async () => {
    const tree = injected("prod", "/kades/statefulset-timescaledb.yaml", (o) => {
      o.spec.template.spec.volumes = o.spec.template.spec.volumes.filter((v: { name: string }) => v.name !== "initdb");
      return o as KubeObject;
    });
    const found = await runPolicy(volumeMounts, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/volume-mounts", "clusters/prod/apps/kades/statefulset-timescaledb.yaml", "StatefulSet/timescaledb", "spec.template.spec.containers[0].volumeMounts[3].name"],
    ]);
    expect(found[0]?.problem).toContain("the pod's volumes are run, tmp and its volumeClaimTemplates data");
  });
});
