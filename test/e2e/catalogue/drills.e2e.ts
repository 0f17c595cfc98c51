// The drills' failure catalogue: each case is a copy of a committed cluster
// with one change that passes the static checks and a healthy sync but not a
// fault, deployed on one running control plane (reset between cases), then
// the drill that must catch it. Each must fail with one line that names the
// object and the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS } from "../../../generators/fleet/clusters.js";
import type { DrillResult } from "../drills/drill.js";
import { surgePods } from "../drills/arithmetic.js";
import { runDrills, type DrillName } from "../drills/runner.js";
import { Environment } from "../harness/run.js";
import { loadTarget, readTree } from "../harness/target.js";
import { copyCluster, editObject, type Editable } from "./copies.js";

// Quorums, two pools and network-attached volumes: prod has every shape the drills check.
const CLUSTER = process.env["E2E_DRILLS_CLUSTER"] ?? "prod";
const profile = CLUSTERS.find((c) => c.name === CLUSTER);
const log = (line: string): void => console.log(`INFO - ${line}`);

let env: Environment;
let first: ReturnType<typeof copyCluster> | undefined;

/** Deploys a copy with `change` applied, checks it comes up healthy, then runs `drill` on it. */
async function drillWith(drill: DrillName, change: (dir: string) => void): Promise<DrillResult> {
  const copy = copyCluster(CLUSTER);
  try {
    change(copy.dir);
    await env.reset();
    const target = loadTarget(copy.dir);
    const report = await env.deploy(target, { timeoutMs: 300_000, log });
    // The change must pass a healthy sync: only the fault shows it.
    expect([...report.blockers, ...report.findings.map((f) => f.reason)]).toEqual([]);
    const [row] = await runDrills(env, target, log, [drill]);
    if (!row) throw new Error(`drill ${drill} returned no row`);
    log(`${row.ok ? "PASS" : "FAIL"} ${CLUSTER}/${row.drill}: ${row.reason ?? ""}`);
    return row;
  } finally {
    copy.remove();
  }
}

beforeAll(async () => {
  if (!profile) throw new Error(`E2E_DRILLS_CLUSTER=${CLUSTER} is not a cluster profile`);
  first = copyCluster(CLUSTER);
  // A port set and state folder of its own (instance 2), so it can run beside the failure catalogue (instance 1).
  env = await Environment.start(profile, loadTarget(first.dir), log, 2);
});

afterAll(async () => {
  await env?.stop();
  first?.remove();
});

describe(`when a copy of ${CLUSTER} with one change goes through a drill`, () => {
  it("should fail the drain when a PodDisruptionBudget blocks every eviction, naming the pod and the budget", async () => {
    const row = await drillWith("drain", (dir) =>
      editObject(dir, "apps/kades/poddisruptionbudget-kades-api.yaml", (o) => {
        o.spec.maxUnavailable = 0;
      }),
    );
    expect(row.ok).toBe(false);
    // maxUnavailable 0: the budget keeps every pod it expects, so it allows none with all of them healthy.
    expect(row.reason).toMatch(/^the drain of [a-z0-9-]+ cannot finish: PodDisruptionBudget\/kades\/kades-api allows 0 disruption\(s\) with (\d+) of its \1 pods healthy \(keeps \1\): pod kades-api-[a-z0-9-]+ cannot be evicted \(for \d+s\)$/);
  });

  it("should fail node loss when one node holds a majority of a quorum whose spread is soft", async () => {
    const row = await drillWith("node-loss", (dir) =>
      editObject(dir, "apps/iot-telemetry/statefulset-kafka.yaml", (o) => {
        const spec = o.spec.template.spec as Editable;
        // The committed spread is hard; softened (ScheduleAnyway), a co-location rule outweighs it: every member on one node.
        expect(spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe("DoNotSchedule");
        spec.topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
        spec.affinity = {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: o.spec.selector.matchLabels }, topologyKey: "kubernetes.io/hostname" }],
          },
        };
      }),
    );
    expect(row.ok).toBe(false);
    expect(row.reason).toMatch(/StatefulSet\/iot\/kafka lost its quorum: [01] of 3 members ready, it needs 2/);
  });

  it("should fail the rollout at maxReplicas when the quota is one surge pod too small, naming the quota and its room", async () => {
    const row = await drillWith("rollout", (dir) => {
      // The worst case the quota must hold: every Deployment at its HPA maximum plus its surge, every StatefulSet member.
      const objects = readTree(`${dir}/apps/iot-telemetry`);
      const hpaMax = new Map(objects.filter((o) => o.kind === "HorizontalPodAutoscaler").map((h) => [(h as Editable).spec.scaleTargetRef.name as string, (h as Editable).spec.maxReplicas as number]));
      const worst = objects
        .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
        .reduce((n, o) => {
          const w = o as Editable;
          const replicas = hpaMax.get(w.metadata.name) ?? w.spec.replicas ?? 1;
          return n + replicas + (w.kind === "Deployment" ? surgePods(w.spec.strategy, replicas) : 0);
        }, 0);
      editObject(dir, "apps/iot-telemetry/resourcequota-iot-quota.yaml", (o) => {
        o.spec.hard.pods = String(worst - 1);
      });
    });
    expect(row.ok).toBe(false);
    expect(row.reason).toMatch(/^ResourceQuota\/iot\/iot-quota cannot admit the rollout's surge at maxReplicas \(.*\): pods: room \d+, needs \d+/);
  });

  it("should fail Git is the truth when a claim has no prune guard, naming the claim and where to fix it", async () => {
    const row = await drillWith("git-truth", (dir) =>
      editObject(dir, "apps/iot-edge-anomaly/persistentvolumeclaim-iot-edge-anomaly-data.yaml", (o) => {
        delete o.metadata.annotations["argocd.argoproj.io/sync-options"];
      }),
    );
    expect(row.ok).toBe(false);
    expect(row.reason).toMatch(/PersistentVolumeClaim\/iot-edge-anomaly\/iot-edge-anomaly-data was deleted with Application\/iot-edge-anomaly: it needs argocd.argoproj.io\/sync-options: Prune=false,Delete=false/);
  });
});
