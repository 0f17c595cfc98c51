import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { serviceTargetPorts } from "./service-target-ports.js";

describeFixtures(serviceTargetPorts, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a Service selects pods of several workloads", () => {
  it("should name the workload whose pods lack the port, not the whole Service", async () => {
    const found = await checkFixture(serviceTargetPorts, fixture("bad-05.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.ports[0].targetPort", "spec.ports[1].targetPort"]);
    expect(found[0]?.problem).toContain("the pods of Job/db-migration, which it selects, do not declare a port named \"http\"/TCP");
    expect(found[0]?.problem).toContain("never reach those pods");
  });
});

describe("when a port has no targetPort", () => {
  it("should judge the port itself as the target, at spec.ports[i].port", async () => {
    const found = await checkFixture(serviceTargetPorts, fixture("bad-04.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.ports[0].port"]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(serviceTargetPorts, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a targetPort is mistyped in prod", async () => {
    const tree = injected("prod", "/kades/service-kades-api.yaml", (o) => {
      o.spec.ports[1].targetPort = "websockets";
      return o as KubeObject;
    });
    const found = await runPolicy(serviceTargetPorts, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/service-target-ports", "clusters/prod/apps/kades/service-kades-api.yaml", "Service/kades-api", "spec.ports[1].targetPort"],
    ]);
    expect(found[0]?.problem).toContain("Deployment/kades-api declares http 8000/TCP, websocket 8080/TCP");
    expect(found[0]?.fix).toContain("apps/kades");
  });
});
