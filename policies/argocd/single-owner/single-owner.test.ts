import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, runAll, withAdded } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { singleOwner } from "./single-owner.js";

describeFixtures(singleOwner, import.meta.dirname);

const prod = committedCluster("prod");
const objectIn = (suffix: string): Record<string, any> => structuredClone(prod.documents.find((d) => d.file.endsWith(suffix))?.object) as Record<string, any>;

describe("when a second Application of the committed prod tree syncs kades' directory", () => {
  it("should report the second Application once, with the number of objects it would share", async () => {
    const twin = objectIn("argocd/application-kades.yaml");
    twin.metadata.name = "kades-copy";
    const found = (await runAll(withAdded("prod", "argocd/application-kades-copy.yaml", [twin as KubeObject]))).filter((d) => d.rule === "argocd/single-owner");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Application/kades-copy", "spec.source.path"]]);
    expect(found[0]?.problem).toMatch(/which Application\/kades \(clusters\/prod\/apps\/kades\) also syncs: its \d+ objects would be owned by two Applications/);
  });
});

describe("when a platform namespace is also rendered into an app's directory", () => {
  it("should report both copies, each naming the other Application", async () => {
    const copy = objectIn("platform/namespaces/namespace-monitoring.yaml");
    const found = await runPolicy(singleOwner, withAdded("prod", "apps/kades/namespace-monitoring.yaml", [copy as KubeObject]));
    expect(found.map((d) => [d.file, d.resource, d.path])).toEqual([
      ["clusters/prod/apps/kades/namespace-monitoring.yaml", "Namespace/monitoring", "metadata.name"],
      ["clusters/prod/platform/namespaces/namespace-monitoring.yaml", "Namespace/monitoring", "metadata.name"],
    ]);
    expect(found[0]?.problem).toContain("as Application/platform-namespaces (clusters/prod/platform/namespaces) from clusters/prod/platform/namespaces/namespace-monitoring.yaml");
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(singleOwner, committedCluster(name))).toEqual([]);
  });
});
