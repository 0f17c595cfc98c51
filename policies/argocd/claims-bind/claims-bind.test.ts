import { describe, expect, it } from "vitest";
import { FIRST_CONSUMER_ANNOTATION } from "../../../generators/render/storage.js";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected, loadFixture, runAll } from "../../lib/testing.js";
import type { ClusterTree, KubeObject } from "../../lib/types.js";
import { claimsBind, consumerList } from "./claims-bind.js";

describeFixtures(claimsBind, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;
const PATH = `metadata.annotations["${FIRST_CONSUMER_ANNOTATION}"]`;

/** A fixture judged as prod with each object passed through `edit` (a deep copy). */
function edited(name: string, edit: (object: Record<string, any>) => KubeObject): ClusterTree {
  const tree = loadFixture(fixture(name));
  return { ...tree, documents: tree.documents.map((d) => ({ ...d, object: edit(structuredClone(d.object) as Record<string, any>) })) };
}

describe("when reading the first-consumer annotation", () => {
  it("should split on commas, trim, drop empty and repeated items, and sort", () => {
    expect(consumerList(" Job/restore-test, CronJob/db-backup,,CronJob/db-backup ")).toEqual(["CronJob/db-backup", "Job/restore-test"]);
    expect(consumerList(undefined)).toEqual([]);
  });
});

describe("when the annotation lists several scheduled consumers", () => {
  const withRestoreJob = (value: string): ClusterTree => {
    const tree = edited("good-cronjob.yaml", (o) => {
      if (o.kind === "PersistentVolumeClaim") o.metadata.annotations[FIRST_CONSUMER_ANNOTATION] = value;
      return o as KubeObject;
    });
    const cronJob = tree.documents[1]?.object as Record<string, any>;
    const job = { ...cronJob, apiVersion: "batch/v1", kind: "Job", metadata: { ...cronJob.metadata, name: "restore-test" }, spec: cronJob.spec.jobTemplate.spec };
    return { ...tree, documents: [...tree.documents, { file: tree.documents[0]?.file as string, index: 2, object: job as KubeObject }] };
  };

  it("should accept them in any order", async () => {
    expect(await runPolicy(claimsBind, withRestoreJob("Job/restore-test, CronJob/db-backup"))).toEqual([]);
  });

  it("should reject a list that leaves one out", async () => {
    const found = await runPolicy(claimsBind, withRestoreJob("CronJob/db-backup"));
    expect(found.map((d) => [d.resource, d.path])).toEqual([["PersistentVolumeClaim/backup-pvc", PATH]]);
    expect(found[0]?.problem).toContain("Job/restore-test mounts it and is not named");
  });
});

describe("when the binding mode of a claim's class is not known", () => {
  it("should skip every claim of a cluster without a profile", async () => {
    expect(await checkFixture(claimsBind, fixture("bad-01.yaml"), "nowhere")).toEqual([]);
  });

  it("should skip a claim whose class the profile does not list (dev has no fast-ssd)", async () => {
    expect(await checkFixture(claimsBind, fixture("bad-04.yaml"), "dev")).toEqual([]);
  });

  it("should skip a claim without a class, and judge the same claim with one", async () => {
    const classless = edited("bad-02.yaml", (o) => {
      delete o.spec.storageClassName;
      return o as KubeObject;
    });
    expect(await runPolicy(claimsBind, classless)).toEqual([]);
    expect(await checkFixture(claimsBind, fixture("bad-02.yaml"))).toHaveLength(1);
  });
});

describe("when a Job rather than a CronJob mounts the claim", () => {
  it("should count it as a scheduled consumer", async () => {
    const tree = edited("good-cronjob.yaml", (o) => {
      if (o.kind !== "CronJob") return o as KubeObject;
      return { apiVersion: "batch/v1", kind: "Job", metadata: o.metadata, spec: o.spec.jobTemplate.spec } as KubeObject;
    });
    const found = await runPolicy(claimsBind, tree);
    expect(found.map((d) => d.path)).toEqual([PATH]);
    expect(found[0]?.problem).toContain("the scheduled runs that mount it are Job/db-backup");
  });
});

describe("when the committed prod tree loses the declaration", () => {
  it("should name the rule at the annotation of kades' backup claim", async () => {
    const tree = injected("prod", "/kades/persistentvolumeclaim-backup-pvc.yaml", (o) => {
      delete o.metadata.annotations[FIRST_CONSUMER_ANNOTATION];
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "argocd/claims-bind");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["PersistentVolumeClaim/backup-pvc", PATH]]);
    expect(found[0]?.problem).toContain("binds only when CronJob/db-backup first runs");
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  const cluster = committedCluster(name);

  it("should have a profile that states the binding of every claim's class", () => {
    const bindings = cluster.profile?.storageClassBinding ?? {};
    const classes = cluster.documents.filter((d) => d.object.kind === "PersistentVolumeClaim").map((d) => (d.object as { spec?: { storageClassName?: string } }).spec?.storageClassName);
    expect(classes.length).toBeGreaterThan(0);
    expect(classes.filter((c) => c === undefined || !Object.hasOwn(bindings, c))).toEqual([]);
  });

  it("should find nothing", async () => {
    expect(await runPolicy(claimsBind, cluster)).toEqual([]);
  });
});
