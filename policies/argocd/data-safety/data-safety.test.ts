import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { annotationOptions, dataSafety, missingProtection } from "./data-safety.js";

describeFixtures(dataSafety, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;
const options = "argocd.argoproj.io/sync-options";

describe("when reading the sync-options annotation", () => {
  it("should split, trim and drop empty items as Argo CD does", () => {
    expect(annotationOptions(" Prune=false ,, Delete=false,")).toEqual(["Prune=false", "Delete=false"]);
    expect(annotationOptions(undefined)).toEqual([]);
  });

  it.each([
    ["Prune=false,Delete=false", []],
    ["Delete=false,Prune=false", []],
    ["Prune=false, Delete=false, ServerSideApply=true", []],
    ["Prune=false", ["Delete=false"]],
    ["Delete=false", ["Prune=false"]],
    ["Prune=confirm,Delete=confirm", ["Prune=false", "Delete=false"]],
    ["Prune=false;Delete=false", ["Prune=false", "Delete=false"]],
    ["Prune=false,Delete=false,Delete=true", ["Delete=false"]],
    ["", ["Prune=false", "Delete=false"]],
  ])("should find %j missing %j", (value, missing) => {
    expect(missingProtection({ [options]: value })).toEqual(missing);
  });

  it("should take Helm's keep policy for Delete=false, but not for Prune=false", () => {
    expect(missingProtection({ [options]: "Prune=false", "helm.sh/resource-policy": "keep" })).toEqual([]);
    expect(missingProtection({ "helm.sh/resource-policy": "keep" })).toEqual(["Prune=false"]);
  });
});

describe("when a StatefulSet sets no retention policy", () => {
  it("should accept the API default (Retain)", async () => {
    expect(await checkFixture(dataSafety, fixture("good-equivalents.yaml"))).toEqual([]);
  });
});

describe("when the committed prod tree loses its protection", () => {
  it("should name the rule for a claim", async () => {
    const tree = injected("prod", "/kades/persistentvolumeclaim-backup-pvc.yaml", (o) => {
      delete o.metadata.annotations[options];
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "argocd/data-safety");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["PersistentVolumeClaim/backup-pvc", `metadata.annotations["${options}"]`]]);
  });

  it("should name the rule for a StatefulSet that deletes claims on scale-down", async () => {
    const tree = injected("prod", "/iot-telemetry/statefulset-kafka.yaml", (o) => {
      o.spec.persistentVolumeClaimRetentionPolicy.whenScaled = "Delete";
      return o as KubeObject;
    });
    const found = await runPolicy(dataSafety, tree);
    expect(found.map((d) => [d.resource, d.path])).toEqual([["StatefulSet/kafka", "spec.persistentVolumeClaimRetentionPolicy.whenScaled"]]);
  });
});
