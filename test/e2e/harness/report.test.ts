import { describe, expect, it } from "vitest";
import { formatJson, formatText } from "./report.js";
import type { ClusterReport } from "./run.js";

const passing: ClusterReport = {
  cluster: "edge",
  dir: "clusters/edge",
  ok: true,
  commit: "0123456789abcdef",
  seconds: { controlPlane: 5.1, argoCd: 3.2, healthy: 40.5, total: 49 },
  applications: [
    { name: "iot-edge-anomaly", sync: "Synced", health: "Healthy", objects: 23, healthyAfterSeconds: 38 },
    { name: "platform-namespaces", sync: "Synced", health: "Healthy", objects: 4, healthyAfterSeconds: 6 },
  ],
  skipped: [{ name: "cert-manager", reason: "Helm chart cannot be fetched here" }],
  findings: [],
  blockers: [],
  podsPerPool: { edge: 7 },
  standIns: [{ for: "GitHub", standIn: "a loopback proxy", why: "nothing outside is reachable" }],
  stateDir: "/tmp/state/edge",
};

const failing: ClusterReport = {
  ...passing,
  cluster: "prod",
  dir: "/tmp/copy/prod",
  ok: false,
  applications: [{ name: "kades", sync: "Synced", health: "Degraded", objects: 45 }],
  blockers: ["Deployment/kades/kades-api: the API server refuses its pods: exceeded quota: kades-quota"],
  findings: [
    {
      application: "kades",
      sync: "Synced",
      health: "Degraded",
      reason: "Degraded: Caused by apps/Deployment:kades/kades-api",
      details: ["operation: waiting for healthy state"],
      objects: [{ object: "Deployment/kades/kades-api", sync: "Synced", health: "Degraded", message: "progress deadline exceeded", conditions: ["Available=False"], events: ["FailedCreate: forbidden"] }],
    },
  ],
  podsPerPool: {},
};

describe("when a run passes", () => {
  const text = formatText([passing]);

  it("should give one PASS line with the timings, the Applications' table, pods per pool, what was not synced and every stand-in", () => {
    const lines = text.split("\n");
    expect(lines[0]).toBe("PASS edge: 2/2 Applications Synced and Healthy (control plane 5.1s, Argo CD 3.2s, sync to healthy 40.5s, total 49s)");
    expect(lines).toContain("  iot-edge-anomaly     23       Synced/Healthy      38s");
    expect(lines).toContain("  objects applied: 27");
    expect(lines).toContain("  pods per node pool: edge 7");
    expect(lines).toContain("    cert-manager: Helm chart cannot be fetched here");
    expect(lines).toContain("    GitHub: a loopback proxy (nothing outside is reachable)");
    expect(lines.at(-2)).toBe("e2e: 1 cluster(s) Synced and Healthy");
  });
});

describe("when a run fails", () => {
  it("should name every blocker and failing Application in one FAIL line each, then their details, and the failed clusters last", () => {
    const lines = formatText([passing, failing]).split("\n");
    expect(lines).toContain("  FAIL prod: Deployment/kades/kades-api: the API server refuses its pods: exceeded quota: kades-quota");
    expect(lines).toContain("  FAIL prod/kades (Synced/Degraded): Degraded: Caused by apps/Deployment:kades/kades-api");
    expect(lines).toContain("    Deployment/kades/kades-api: Synced/Degraded: progress deadline exceeded");
    expect(lines).toContain("      event FailedCreate: forbidden");
    expect(lines).toContain("  application   objects  status              healthy after");
    expect(lines).toContain("  kades         45       Synced/Degraded     -");
    expect(lines.at(-2)).toBe("e2e: 1 of 2 cluster(s) failed: prod");
  });

  it("should say when the run stopped before Argo CD could sync", () => {
    const text = formatText([{ ...failing, error: "etcd exited (code 1) before it was ready" }]);
    expect(text.split("\n")[0]).toBe("FAIL prod: the run stopped before Argo CD could sync: etcd exited (code 1) before it was ready");
  });

  it("should give the same reports as data with --format json, failing overall", () => {
    const data = JSON.parse(formatJson([passing, failing])) as { ok: boolean; clusters: ClusterReport[] };
    expect(data.ok).toBe(false);
    expect(data.clusters.map((c) => [c.cluster, c.ok])).toEqual([
      ["edge", true],
      ["prod", false],
    ]);
    expect(data.clusters[1]?.blockers).toEqual(failing.blockers);
    expect(data.clusters[1]?.findings[0]?.objects[0]?.events).toEqual(["FailedCreate: forbidden"]);
    expect(JSON.parse(formatJson([passing])).ok).toBe(true);
  });
});
