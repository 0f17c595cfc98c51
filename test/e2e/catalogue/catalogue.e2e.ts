// The failure catalogue: each case is a copy of a committed cluster with one
// change that static checks let through or that only a real cluster shows,
// deployed on one running control plane (reset between cases). Each must fail
// with one line that names the object and the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS } from "../../../generators/fleet/clusters.js";
import { Environment, type ClusterReport } from "../harness/run.js";
import { loadTarget } from "../harness/target.js";
import { copyCluster, editObject, type Editable } from "./copies.js";

const CLUSTER = process.env["E2E_CATALOGUE_CLUSTER"] ?? "prod";
const profile = CLUSTERS.find((c) => c.name === CLUSTER);
const log = (line: string): void => console.log(`INFO - ${line}`);

let env: Environment;
let first: ReturnType<typeof copyCluster> | undefined;

/** Deploys a copy of the cluster with `change` applied and returns the report. */
async function deployWith(change: (dir: string) => void): Promise<ClusterReport> {
  const copy = copyCluster(CLUSTER);
  try {
    change(copy.dir);
    await env.reset();
    return await env.deploy(loadTarget(copy.dir), { timeoutMs: 240_000, log });
  } finally {
    copy.remove();
  }
}

/** Every one-line reason the report gives: blockers first, then each failing Application's. */
const reasons = (r: ClusterReport): string[] => [...r.blockers, ...r.findings.map((f) => `Application/${f.application}: ${f.reason}`)];

const containers = (o: Editable): Editable[] => o.spec.template.spec.containers as Editable[];

beforeAll(async () => {
  if (!profile) throw new Error(`E2E_CATALOGUE_CLUSTER=${CLUSTER} is not a cluster profile`);
  first = copyCluster(CLUSTER);
  // A port set and state folder of its own: the catalogue may run beside `npm run e2e` on the same profile.
  env = await Environment.start(profile, loadTarget(first.dir), log, 1);
});

afterAll(async () => {
  await env?.stop();
  first?.remove();
});

describe(`when a copy of ${CLUSTER} with one change is synced`, () => {
  it("should come up healthy unchanged (the baseline every case differs from)", async () => {
    const report = await deployWith(() => {});
    expect(reasons(report)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("should fail a quota that cannot admit the pods it must run, naming the workload and the quota", async () => {
    const report = await deployWith((dir) =>
      editObject(dir, "apps/kades/resourcequota-kades-quota.yaml", (o) => {
        o.spec.hard.pods = "2";
      }),
    );
    expect(report.ok).toBe(false);
    expect(reasons(report).join("\n")).toMatch(/kades\/[a-z-]+: the API server refuses its pods: .*exceeded quota: kades-quota/);
  });

  it("should fail a pod that violates restricted, naming the workload and the control", async () => {
    const report = await deployWith((dir) =>
      editObject(dir, "apps/kades/deployment-kades-api.yaml", (o) => {
        (containers(o)[0] as Editable).securityContext.allowPrivilegeEscalation = true;
      }),
    );
    expect(report.ok).toBe(false);
    expect(reasons(report).join("\n")).toMatch(/Deployment\/kades\/kades-api: the API server refuses its pods: .*violates PodSecurity "restricted:[a-z0-9.]+".*allowPrivilegeEscalation/);
  });

  it("should fail a workload no node pool can take, naming it and the scheduler's reason", async () => {
    const report = await deployWith((dir) =>
      editObject(dir, "apps/kades/deployment-kades-api.yaml", (o) => {
        o.spec.template.spec.nodeSelector["node.iot-fleet.io/pool"] = "gpu";
      }),
    );
    expect(report.ok).toBe(false);
    expect(reasons(report).join("\n")).toMatch(/Deployment\/kades\/kades-api: pod kades-api-[a-z0-9-]+ cannot be scheduled: 0\/\d+ nodes are available: .*node affinity\/selector/);
  });

  it("should fail an AppProject that no longer permits a kind its Application ships", async () => {
    const report = await deployWith((dir) =>
      editObject(dir, "argocd/appproject-kades.yaml", (o) => {
        o.spec.namespaceResourceWhitelist = (o.spec.namespaceResourceWhitelist as Editable[]).filter((k) => k.kind !== "CronJob");
      }),
    );
    expect(report.ok).toBe(false);
    expect(reasons(report).join("\n")).toMatch(/Application\/kades: .*CronJob.*not permitted in project kades/);
  });

  it("should fail an Application whose path does not exist", async () => {
    const report = await deployWith((dir) =>
      editObject(dir, "argocd/application-kades.yaml", (o) => {
        o.spec.source.path = `clusters/${CLUSTER}/apps/kades-renamed`;
      }),
    );
    expect(report.ok).toBe(false);
    expect(reasons(report).join("\n")).toMatch(/Application\/kades: ComparisonError: .*kades-renamed.*(does not exist|no such file)/i);
  });

  it("should fail a consumer synced before the Secret it needs", async () => {
    const report = await deployWith((dir) =>
      editObject(dir, "apps/kades/externalsecret-kades-secrets.yaml", (o) => {
        o.metadata.annotations["argocd.argoproj.io/sync-wave"] = "5";
      }),
    );
    expect(report.ok).toBe(false);
    expect(reasons(report).join("\n")).toMatch(/kades\/(kades-api|db-migration): its pods (started before|read) Secret kades-secrets/);
  });
});
