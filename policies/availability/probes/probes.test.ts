import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { probes } from "./probes.js";

describeFixtures(probes, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a long-running container lacks probes", () => {
  it("should report each missing probe at its own field", async () => {
    const found = await checkFixture(probes, fixture("bad-01.yaml"));
    expect(found.map((d) => [d.summary, d.path])).toEqual([["container has no readiness probe", "spec.template.spec.containers[0].readinessProbe"]]);
  });

  it("should name the sidecar's spec field in the fix", async () => {
    const [found] = await checkFixture(probes, fixture("bad-02.yaml"));
    expect(found?.fix).toContain("`sidecars[log-forwarder].probes.liveness` of component iot-edge-anomaly in apps/iot-edge-anomaly");
  });

  it("should judge native sidecars but not one-shot init containers", async () => {
    const found = await checkFixture(probes, fixture("bad-05.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.template.spec.initContainers[1].readinessProbe", "spec.template.spec.initContainers[1].livenessProbe"]);
  });
});

describe("when a container opts out of probes", () => {
  it("should accept a reasoned opt-out", async () => {
    expect(await checkFixture(probes, fixture("good-opt-out.yaml"))).toEqual([]);
  });

  it("should refuse an opt-out without a reason", async () => {
    const found = await checkFixture(probes, fixture("bad-03.yaml"));
    expect(found.map((d) => [d.severity, d.summary])).toEqual([["Bug", "probe opt-out gives no reason"]]);
  });

  it("should not let an opt-out for another name excuse the container, and warn about the stale one", async () => {
    const found = await checkFixture(probes, fixture("bad-04.yaml"));
    expect(found.map((d) => [d.severity, d.summary])).toEqual([
      ["Bug", "container has no readiness probe"],
      ["Bug", "container has no liveness probe"],
      ["Warning", "probe opt-out names no long-running container"],
    ]);
  });
});

describe("when pods run to completion", () => {
  it.each(["good-batch.yaml", "good-pod.yaml"])("should not ask %s for probes", async (name) => {
    expect(await checkFixture(probes, fixture(name))).toEqual([]);
  });
});

describe("when probes are removed from a committed prod workload", () => {
  it("should name the rule", async () => {
    const tree = injected("prod", "/kades/statefulset-timescaledb.yaml", (o) => {
      delete o.spec.template.spec.containers[0].livenessProbe;
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "availability/probes");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["StatefulSet/timescaledb", "spec.template.spec.containers[0].livenessProbe"]]);
  });

  it("should accept the removal when a reasoned opt-out is added with it", async () => {
    const tree = injected("prod", "/kades/statefulset-timescaledb.yaml", (o) => {
      delete o.spec.template.spec.containers[0].livenessProbe;
      delete o.spec.template.spec.containers[0].readinessProbe;
      o.spec.template.metadata.annotations["iot-fleet.io/no-probes.timescaledb"] = "checked by the operator's own health loop";
      return o as KubeObject;
    });
    expect(await runPolicy(probes, tree)).toEqual([]);
  });
});
