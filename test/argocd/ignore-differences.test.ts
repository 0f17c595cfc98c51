import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, prod } from "../../generators/fleet/clusters.js";
import { copy, type Doc, ignoreDifferencesProblems } from "./checks.js";
import { committedTree, docAt, replaced } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

const KADES = "prod/argocd/application-kades.yaml";

function broken(change: (app: { spec: Record<string, unknown> & { ignoreDifferences?: unknown[]; syncPolicy: { syncOptions: string[] } } }) => void): string[] {
  const app = copy(docAt(docs, KADES).object);
  change(app);
  return ignoreDifferencesProblems(replaced(docs, KADES, app), prod);
}

describe("when comparing each app's ignored fields with its HPAs", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should ignore exactly the replica counts the HPAs of %s own", (_, profile) => {
    expect(ignoreDifferencesProblems(docs, profile)).toEqual([]);
  });

  it("should ignore the API's replicas in kades, which its HPA scales, and not the workers'", () => {
    const app = docAt(docs, KADES).object;
    expect(app.spec.ignoreDifferences.map((i: { kind: string; name: string }) => `${i.kind}/${i.name}`)).toEqual(["Deployment/kades-api"]);
  });
});

describe("when an Application ignores the replicas of a workload no HPA scales", () => {
  it("should report the difference", () => {
    const problems = broken((app) => app.spec.ignoreDifferences?.push({ group: "apps", kind: "Deployment", name: "chain-analysis", namespace: "kades", jsonPointers: ["/spec/replicas"] }));
    expect(problems).toContainEqual(expect.stringContaining("apps/Deployment/kades/chain-analysis /spec/replicas"));
  });
});

describe("when an Application does not ignore replicas an HPA owns", () => {
  it("should report the difference", () => {
    const problems = broken((app) => delete app.spec.ignoreDifferences);
    expect(problems).toContain(`${KADES}: ignores [], the HPAs scale ["apps/Deployment/kades/kades-api /spec/replicas"]`);
  });
});

describe("when an Application ignores the replicas but a sync would still reset them", () => {
  it("should report the missing RespectIgnoreDifferences", () => {
    const problems = broken((app) => (app.spec.syncPolicy.syncOptions = app.spec.syncPolicy.syncOptions.filter((o) => o !== "RespectIgnoreDifferences=true")));
    expect(problems).toContain(`${KADES}: a sync would reset the HPA's replicas (no RespectIgnoreDifferences=true)`);
  });
});
