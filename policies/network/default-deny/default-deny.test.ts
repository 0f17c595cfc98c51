import { describe, expect, it } from "vitest";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import { find, world } from "../test-support.js";
import { defaultDeny } from "./default-deny.js";

describeFixtures(defaultDeny, import.meta.dirname);

describe("when pods carry no namespace", () => {
  const inDefault = (deny: boolean): ReturnType<typeof world> =>
    world((objects) => {
      const api = find(objects, "Deployment", "kades-api");
      delete api["metadata"].namespace;
      return [api, ...(deny ? [{ ...find(objects, "NetworkPolicy", "default-deny"), metadata: { name: "default-deny" } }] : [])];
    });

  it("should judge them as pods of namespace default", async () => {
    const findings = await defaultDeny.check(inDefault(false));
    expect(findings.map((f) => [f.path, f.document?.object.kind])).toEqual([["metadata.namespace", "Deployment"]]);
    expect(findings[0]?.problem).toMatch(/^namespace default has pods/);
  });

  it("should accept them once namespace default has its default deny", async () => {
    expect(await defaultDeny.check(inDefault(true))).toEqual([]);
  });
});

describe("when a namespace holds only objects without pods", () => {
  it("should ask for no default deny", () => {
    const tree = world((objects) => objects.filter((o) => o["kind"] === "Namespace"));
    expect(defaultDeny.check(tree)).toEqual([]);
  });
});

describe("when the committed prod tree is judged", () => {
  it("should find a default deny in every app namespace", () => {
    expect(defaultDeny.check(committedCluster("prod"))).toEqual([]);
  });

  it("should name the rule once the KADES default deny is deleted", async () => {
    const tree = injected("prod", "/kades/networkpolicy-default-deny.yaml", () => []);
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "network/default-deny");
    expect(diagnostics.map((d) => [d.file, d.resource])).toEqual([["clusters/prod/apps/kades/namespace-kades.yaml", "Namespace/kades"]]);
  });
});
