import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import { copy, type Doc, hookProblems } from "./checks.js";
import { committedTree, docAt, replaced, specFor } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

describe("when reading every Job of the fleet", () => {
  it("should make each a Sync hook with a delete policy, and nothing else a hook", () => {
    expect(hookProblems(docs)).toEqual([]);
  });

  // The two Jobs the guides ask for, wherever their app renders them.
  const jobs = CLUSTERS.flatMap((c) =>
    c.apps.flatMap((app) =>
      specFor(app, c)
        .components.filter((w) => w.kind === "Job")
        .map((w) => [`${c.name}/apps/${app}/job-${w.name}.yaml`] as const),
    ),
  );

  it("should find the KADES migration and the Redis Cluster forming Job", () => {
    const names = new Set(jobs.map(([p]) => p.split("/").pop()));
    expect([...names].sort()).toEqual(["job-db-migration.yaml", "job-redis-cluster-cluster-init.yaml"]);
  });

  it.each(jobs)("should re-create %s on every sync, after its data store", (path) => {
    const annotations = docAt(docs, path).object.metadata.annotations;
    expect(annotations["argocd.argoproj.io/hook"]).toBe("Sync");
    expect(annotations["argocd.argoproj.io/hook-delete-policy"]).toBe("BeforeHookCreation");
    const store = docs.find((d) => d.path.startsWith(path.slice(0, path.lastIndexOf("/") + 1)) && d.object.kind === "StatefulSet");
    expect(Number(annotations["argocd.argoproj.io/sync-wave"])).toBeGreaterThan(Number(store?.object.metadata.annotations["argocd.argoproj.io/sync-wave"]));
  });
});

describe("when a Job is not a hook", () => {
  it("should report that it could never be changed", () => {
    const path = "prod/apps/kades/job-db-migration.yaml";
    const job = copy(docAt(docs, path).object);
    delete job.metadata.annotations["argocd.argoproj.io/hook"];
    expect(hookProblems(replaced(docs, path, job))).toContain(`${path}: a Job is not a Sync hook (hook: undefined), so an edited Job could never be applied`);
  });
});

describe("when a hook Job has no delete policy", () => {
  it("should report it", () => {
    const path = "prod/apps/kades/job-db-migration.yaml";
    const job = copy(docAt(docs, path).object);
    delete job.metadata.annotations["argocd.argoproj.io/hook-delete-policy"];
    expect(hookProblems(replaced(docs, path, job))).toContain(`${path}: hook-delete-policy (none)`);
  });
});

describe("when something other than a Job is a hook", () => {
  it("should report it", () => {
    const path = "prod/apps/kades/cronjob-db-backup.yaml";
    const cron = copy(docAt(docs, path).object);
    cron.metadata.annotations["argocd.argoproj.io/hook"] = "PreSync";
    expect(hookProblems(replaced(docs, path, cron))).toContain(`${path}: CronJob is a hook (PreSync); only Jobs are`);
  });
});
