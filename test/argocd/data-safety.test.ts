import { beforeAll, describe, expect, it } from "vitest";
import { copy, dataSafetyProblems, type Doc } from "./checks.js";
import { committedTree, docAt, replaced } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

function withoutProtection(path: string): Doc[] {
  const object = copy(docAt(docs, path).object);
  delete object.metadata.annotations["argocd.argoproj.io/sync-options"];
  return replaced(docs, path, object);
}

describe("when checking that Argo CD never prunes or deletes stored data", () => {
  it("should find every PVC, StatefulSet and Namespace holding them protected", () => {
    expect(dataSafetyProblems(docs)).toEqual([]);
  });

  it("should have checked claims, StatefulSets and namespaces in every cluster", () => {
    const kinds = new Set(docs.filter((d) => d.path.includes("/apps/")).map((d) => d.object.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(["PersistentVolumeClaim", "StatefulSet", "Namespace"]));
  });
});

describe("when a PVC loses its protection", () => {
  it("should report the PVC", () => {
    const path = "prod/apps/kades/persistentvolumeclaim-backup-pvc.yaml";
    expect(dataSafetyProblems(withoutProtection(path))).toEqual([`${path}: PersistentVolumeClaim can be pruned or deleted by Argo CD`]);
  });
});

describe("when a StatefulSet allows deletion", () => {
  it("should report the StatefulSet", () => {
    const path = "prod/apps/kades/statefulset-timescaledb.yaml";
    const object = copy(docAt(docs, path).object);
    object.metadata.annotations["argocd.argoproj.io/sync-options"] = "Prune=false";
    expect(dataSafetyProblems(replaced(docs, path, object))).toEqual([`${path}: StatefulSet can be pruned or deleted by Argo CD`]);
  });
});

describe("when the Namespace holding the data can be deleted", () => {
  it("should report the Namespace", () => {
    const path = "prod/apps/kades/namespace-kades.yaml";
    expect(dataSafetyProblems(withoutProtection(path))).toEqual([
      `${path}: Namespace holds stored data but can be deleted by Argo CD (deleting it deletes every claim in it)`,
    ]);
  });
});
