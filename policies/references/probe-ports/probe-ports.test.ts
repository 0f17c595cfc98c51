import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { probePorts } from "./probe-ports.js";

describeFixtures(probePorts, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a container probes a port another container of the pod declares", () => {
  it("should refuse it: the kubelet resolves a probe's port name in the probed container only", async () => {
    const found = await checkFixture(probePorts, fixture("bad-03.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.template.spec.containers[1].readinessProbe.httpGet.port"]);
    expect(found[0]?.fix).toContain("`sidecars[log-forwarder].probes` of component iot-edge-anomaly");
  });
});

describe("when the probed port is UDP", () => {
  it("should report every TCP probe on it", async () => {
    const found = await checkFixture(probePorts, fixture("bad-05.yaml"));
    expect(found.map((d) => d.path)).toEqual([
      "spec.template.spec.containers[0].startupProbe.tcpSocket.port",
      "spec.template.spec.containers[0].readinessProbe.httpGet.port",
      "spec.template.spec.containers[0].livenessProbe.httpGet.port",
    ]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(probePorts, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a probe of prod targets a port the container does not listen on", async () => {
    const tree = injected("prod", "/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.containers[0].livenessProbe.httpGet.port = 8081;
      return o as KubeObject;
    });
    const found = await runPolicy(probePorts, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/probe-ports", "clusters/prod/apps/kades/deployment-kades-api.yaml", "Deployment/kades-api", "spec.template.spec.containers[0].livenessProbe.httpGet.port"],
    ]);
    expect(found[0]?.fix).toContain("`probes` of component kades-api and its `ports` in apps/kades");
  });
});
