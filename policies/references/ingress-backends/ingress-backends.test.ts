import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { ingressBackends } from "./ingress-backends.js";

describeFixtures(ingressBackends, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a backend names its port by number", () => {
  it("should place the finding at port.number", async () => {
    const found = await checkFixture(ingressBackends, fixture("bad-03.yaml"));
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Ingress/kades-api-websocket", "spec.rules[0].http.paths[0].backend.service.port.number"]]);
    expect(found[0]?.problem).toContain("it has http (80), websocket (8080)");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.some((d) => d.object.kind === "Ingress")).toBe(true);
    expect(await runPolicy(ingressBackends, cluster)).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when the backend Service of prod's API Ingress is gone", async () => {
    const tree = injected("prod", "/kades/service-kades-api.yaml", () => []);
    const found = await runPolicy(ingressBackends, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/ingress-backends", "clusters/prod/apps/kades/ingress-kades-api-websocket.yaml", "Ingress/kades-api-websocket", "spec.rules[0].http.paths[0].backend.service.name"],
      ["references/ingress-backends", "clusters/prod/apps/kades/ingress-kades-api.yaml", "Ingress/kades-api", "spec.rules[0].http.paths[0].backend.service.name"],
    ]);
    expect(found[0]?.fix).toContain("`ingresses` (its `component` and `port`) in apps/kades");
  });

  it("should name the port when prod's websocket Ingress names one its Service lacks", async () => {
    const tree = injected("prod", "/kades/ingress-kades-api-websocket.yaml", (o) => {
      o.spec.rules[0].http.paths[0].backend.service.port.name = "ws";
      return o as KubeObject;
    });
    const found = await runPolicy(ingressBackends, tree);
    expect(found.map((d) => d.path)).toEqual(["spec.rules[0].http.paths[0].backend.service.port.name"]);
  });
});
