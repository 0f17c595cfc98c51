import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, prod } from "../../generators/fleet/clusters.js";
import { copy, type Doc, LARGE_BYTES, serverSideProblems } from "./checks.js";
import { committedTree, docAt, replaced } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

describe("when checking which Applications apply server-side", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should apply every large object of %s server-side", (_, profile) => {
    expect(serverSideProblems(docs, profile)).toEqual([]);
  });
});

describe("when an app's directory gains an object too large for client-side apply", () => {
  it("should report the Application that applies it client-side", () => {
    const path = "prod/apps/kades/configmap-kades-config.yaml";
    const big = copy(docAt(docs, path).object);
    big.data.BLOB = "x".repeat(LARGE_BYTES);
    expect(serverSideProblems(replaced(docs, path, big), prod)).toEqual([
      `prod/argocd/application-kades.yaml: applies client-side, but ${path} is 128 KiB or more (client-side apply copies objects into a 256 KiB annotation)`,
    ]);
  });
});

describe("when a chart that installs CRDs is applied client-side", () => {
  it("should report it", () => {
    const path = "prod/argocd/application-cert-manager.yaml";
    const app = copy(docAt(docs, path).object);
    app.spec.syncPolicy.syncOptions = app.spec.syncPolicy.syncOptions.filter((o: string) => o !== "ServerSideApply=true");
    expect(serverSideProblems(replaced(docs, path, app), prod)).toEqual([
      `${path}: applies client-side, but its source installs CRDs (client-side apply copies objects into a 256 KiB annotation)`,
    ]);
  });
});
