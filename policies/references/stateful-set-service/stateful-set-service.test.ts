import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import { statefulSetService } from "./stateful-set-service.js";

describeFixtures(statefulSetService, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when the governing Service selects only some of the pods", () => {
  it("should say the pods do not all carry its selector", async () => {
    const [found] = await checkFixture(statefulSetService, fixture("bad-03.yaml"));
    expect(found?.problem).toContain("which the StatefulSet's pods do not all carry");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "kind"])("should find nothing in clusters/%s, which runs StatefulSets", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.some((d) => d.object.kind === "StatefulSet")).toBe(true);
    expect(await runPolicy(statefulSetService, cluster)).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when prod's Kafka headless Service is deleted", async () => {
    const tree = injected("prod", "/iot-telemetry/service-kafka-headless.yaml", () => []);
    const found = await runPolicy(statefulSetService, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/stateful-set-service", "clusters/prod/apps/iot-telemetry/statefulset-kafka.yaml", "StatefulSet/kafka", "spec.serviceName"],
    ]);
    expect(found[0]?.fix).toContain("component kafka (StatefulSets get a headless Service `<name>-headless`) in apps/iot-telemetry");
  });
});
