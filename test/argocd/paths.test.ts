import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, prod } from "../../generators/fleet/clusters.js";
import { applications, copy, type Doc, pathProblems, repoDirs } from "./checks.js";
import { committedTree, docAt, replaced } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

describe("when following every Application to the directory it syncs", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should find every directory of %s synced by exactly one Application, at a path that exists", (_, profile) => {
    expect(pathProblems(docs, profile)).toEqual([]);
  });

  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should give every app %s runs exactly one Application syncing its directory", (_, profile) => {
    const appDirs = applications(docs.filter((d) => d.path.startsWith(`${profile.name}/`)))
      .flatMap((a) => repoDirs(a.object, profile))
      .filter((d) => d.includes("/apps/"));
    expect(appDirs.sort()).toEqual(profile.apps.map((a) => `${profile.name}/apps/${a}`).sort());
  });
});

describe("when an Application names a path that does not exist", () => {
  it("should report the Application and the missing path", () => {
    const app = copy(docAt(docs, "prod/argocd/application-kades.yaml").object);
    app.spec.source.path = "clusters/prod/apps/kadez";
    const problems = pathProblems(replaced(docs, "prod/argocd/application-kades.yaml", app), prod);
    expect(problems).toContain("prod/argocd/application-kades.yaml: path clusters/prod/apps/kadez does not exist");
    expect(problems).toContain("prod/apps/kades/: synced by 0 Applications, not exactly one");
  });
});

describe("when an Application syncs another cluster's directory", () => {
  it("should report it", () => {
    const app = copy(docAt(docs, "prod/argocd/application-kades.yaml").object);
    app.spec.source.path = "clusters/staging/apps/kades";
    expect(pathProblems(replaced(docs, "prod/argocd/application-kades.yaml", app), prod)).toContain(
      "prod/argocd/application-kades.yaml: path clusters/staging/apps/kades is outside clusters/prod/",
    );
  });
});

describe("when two Applications sync the same directory", () => {
  it("should name both", () => {
    const twin = copy(docAt(docs, "prod/argocd/application-kades.yaml").object);
    twin.metadata.name = "kades-twin";
    const tree: Doc[] = [...docs, { path: "prod/argocd/application-kades-twin.yaml", object: twin }];
    expect(pathProblems(tree, prod)).toContain(
      "prod/apps/kades/: synced by 2 Applications (prod/argocd/application-kades.yaml, prod/argocd/application-kades-twin.yaml), not exactly one",
    );
  });
});

describe("when a platform directory has no Application", () => {
  it("should report the directory", () => {
    const tree = docs.filter((d) => d.path !== "prod/argocd/application-cluster-issuer.yaml");
    expect(pathProblems(tree, prod)).toContain("prod/platform/cert-manager/: synced by 0 Applications, not exactly one");
  });
});

describe("when an Application syncs this repository at another revision than the profile's", () => {
  it("should report the revision", () => {
    const app = copy(docAt(docs, "prod/argocd/application-kades.yaml").object);
    app.spec.source.targetRevision = "feature";
    expect(pathProblems(replaced(docs, "prod/argocd/application-kades.yaml", app), prod)).toContain(
      "prod/argocd/application-kades.yaml: targetRevision feature, the profile says main",
    );
  });
});

describe("when the bootstrap directory holds more than the root", () => {
  it("should report it", () => {
    const extra = copy(docAt(docs, "prod/argocd/appproject-default.yaml").object);
    const tree: Doc[] = [...docs, { path: "prod/bootstrap/appproject-default.yaml", object: extra }];
    expect(pathProblems(tree, prod)).toContain("prod/bootstrap/: holds 2 objects, not exactly the root Application");
  });
});
