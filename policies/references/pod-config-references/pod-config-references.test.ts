import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { podConfigReferences } from "./pod-config-references.js";

describeFixtures(podConfigReferences, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a volume that picks items names a ConfigMap nothing creates", () => {
  it("should report the name once, not each item's key", async () => {
    const found = await checkFixture(podConfigReferences, fixture("bad-03.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.template.spec.volumes[0].configMap.name"]);
    expect(found[0]?.problem).toContain("volume fluentd cannot be mounted, so the pod stays in ContainerCreating");
  });
});

describe("when a key is missing", () => {
  it("should point at the key and list the keys the ConfigMap holds", async () => {
    const found = await checkFixture(podConfigReferences, fixture("bad-02.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key"]);
    expect(found[0]?.problem).toContain("holds only LOG_LEVEL, WORKERS, fluentd.conf");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(podConfigReferences, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when prod's TimescaleDB scripts ConfigMap is deleted", async () => {
    const tree = injected("prod", "/kades/configmap-timescaledb-scripts.yaml", () => []);
    const found = await runPolicy(podConfigReferences, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/pod-config-references", "clusters/prod/apps/kades/statefulset-timescaledb.yaml", "StatefulSet/timescaledb", "spec.template.spec.volumes[0].configMap.name"],
    ]);
    expect(found[0]?.fix).toContain("`configMaps` and `volumes` of component timescaledb in apps/kades");
  });

  it("should name the sidecar's field when the fluent-bit ConfigMap of the edge app is renamed", async () => {
    const tree = injected("edge", "/iot-edge-anomaly/configmap-iot-edge-anomaly-fluent-bit.yaml", (o) => {
      o.metadata.name = "fluent-bit";
      return o as KubeObject;
    });
    const found = await runPolicy(podConfigReferences, tree);
    expect(found.map((d) => d.resource)).toEqual(["Deployment/iot-edge-anomaly"]);
    expect(found[0]?.problem).toContain("there: fluent-bit, iot-edge-anomaly-config, kube-root-ca.crt");
  });
});
