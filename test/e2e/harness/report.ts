/**
 * The run's report: per cluster the objects applied, time to healthy per
 * Application, pods per node pool and every stand-in; on failure one line per
 * Application naming the object and the reason, then the details. `--format
 * json` prints the same reports as data.
 */
import { formatDrills } from "../drills/runner.js";
import type { ClusterReport } from "./run.js";

const pad = (s: string, n: number): string => s + " ".repeat(Math.max(0, n - s.length));

export function formatClusterText(r: ClusterReport): string {
  const out: string[] = [];
  const head = `${r.ok ? "PASS" : "FAIL"} ${r.cluster}`;
  if (r.error) {
    out.push(`${head}: the run stopped before Argo CD could sync: ${r.error}`);
  } else {
    const healthy = r.applications.filter((a) => a.sync === "Synced" && a.health === "Healthy").length;
    out.push(
      `${head}: ${healthy}/${r.applications.length} Applications Synced and Healthy ` +
        `(control plane ${r.seconds.controlPlane}s, Argo CD ${r.seconds.argoCd}s, sync to healthy ${r.seconds.healthy}s, total ${r.seconds.total}s)`,
    );
    for (const b of r.blockers) out.push(`  FAIL ${r.cluster}: ${b}`);
    for (const f of r.findings) out.push(`  FAIL ${r.cluster}/${f.application} (${f.sync}/${f.health}): ${f.reason}`);
    const width = Math.max(12, ...r.applications.map((a) => a.name.length)) + 2;
    out.push(`  ${pad("application", width)}${pad("objects", 9)}${pad("status", 20)}healthy after`);
    for (const a of r.applications) {
      out.push(`  ${pad(a.name, width)}${pad(String(a.objects), 9)}${pad(`${a.sync}/${a.health}`, 20)}${a.healthyAfterSeconds === undefined ? "-" : `${a.healthyAfterSeconds}s`}`);
    }
    const objects = r.applications.reduce((n, a) => n + a.objects, 0);
    out.push(`  objects applied: ${objects}`);
    out.push(`  pods per node pool: ${Object.entries(r.podsPerPool).map(([p, n]) => `${p} ${n}`).join(", ") || "none"}`);
    if (r.drills) out.push(formatDrills(r.cluster, r.drills).trimEnd());
  }
  if (r.skipped.length > 0) {
    out.push(`  not synced here (${r.skipped.length}):`);
    for (const s of r.skipped) out.push(`    ${s.name}: ${s.reason}`);
  }
  out.push("  stand-ins:");
  for (const s of r.standIns) out.push(`    ${s.for}: ${s.standIn} (${s.why})`);
  for (const f of r.findings) {
    out.push(`  ${f.application}:`);
    for (const d of f.details) out.push(`    ${d}`);
    for (const o of f.objects) {
      out.push(`    ${o.object}: ${o.sync ?? "-"}/${o.health ?? "-"}${o.message ? `: ${o.message}` : ""}`);
      for (const c of o.conditions) out.push(`      condition ${c}`);
      for (const e of o.events) out.push(`      event ${e}`);
    }
  }
  out.push(`  logs: ${r.stateDir}/logs/${r.kubeconfig ? `; kept running: KUBECONFIG=${r.kubeconfig}` : ""}`);
  return `${out.join("\n")}\n`;
}

export function formatText(reports: readonly ClusterReport[]): string {
  const failed = reports.filter((r) => !r.ok).map((r) => r.cluster);
  const summary = failed.length === 0 ? `e2e: ${reports.length} cluster(s) Synced and Healthy` : `e2e: ${failed.length} of ${reports.length} cluster(s) failed: ${failed.join(", ")}`;
  return `${reports.map(formatClusterText).join("\n")}\n${summary}\n`;
}

export function formatJson(reports: readonly ClusterReport[]): string {
  return `${JSON.stringify({ ok: reports.every((r) => r.ok), clusters: reports }, null, 2)}\n`;
}
