import { AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { beforeAll, describe, expect, it } from "vitest";
import { copy, type Doc } from "./checks.js";
import { committedTree, docAt } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

function argocdObjects(): Doc[] {
  return docs.filter((d) => d.object.apiVersion === "argoproj.io/v1alpha1");
}

function validate(object: unknown): void {
  if (Application.is(object)) new Application(object).validate();
  else if (AppProject.is(object)) new AppProject(object).validate();
  else throw new Error(`not an Application or AppProject: ${JSON.stringify(object).slice(0, 80)}`);
}

describe("when validating every Argo CD object against @kubernetes-models/argo-cd", () => {
  it("should find Applications and AppProjects in every cluster's argocd/ and bootstrap/ directories only", () => {
    const where = new Set(argocdObjects().map((d) => d.path.split("/").slice(1, -1).join("/")));
    expect([...where].sort()).toEqual(["argocd", "bootstrap"]);
  });

  it("should accept every one of them", () => {
    const failures = argocdObjects().flatMap((d) => {
      try {
        validate(d.object);
        return [];
      } catch (error) {
        return [`${d.path}: ${(error as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it("should reject an Application whose automated prune is not a boolean", () => {
    const app = copy(docAt(docs, "prod/argocd/application-kades.yaml").object);
    app.spec.syncPolicy.automated.prune = "yes";
    expect(() => validate(app)).toThrow(/prune/);
  });

  it("should reject an AppProject whose destination is not an object", () => {
    const project = copy(docAt(docs, "prod/argocd/appproject-kades.yaml").object);
    project.spec.destinations = ["kades"];
    expect(() => validate(project)).toThrow(/destinations/);
  });
});
