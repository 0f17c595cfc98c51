import { PLATFORM } from "../../../generators/fleet/platform.js";
import { byCodeUnit } from "../../../generators/order.js";
import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { durationMs } from "../alert-fields/alert-fields.js";
import { alertsOf, appOf, hasLabels, labelText, prometheusRules, type AlertAt } from "../rules.js";

/** One alert a seed guide names. */
export interface GuideAlert {
  /** The alert name the fleet uses for it. */
  readonly alert: string;
  /** The guide's own words, quoted in the diagnostic. */
  readonly guide: string;
  /** The `for` the guide states, when it states one. */
  readonly for?: string;
  /** The severity the guide states, when it states one. */
  readonly severity?: string;
}

export interface AppAlerts {
  /** The seed guide under shared/seeds/ the alerts are transcribed from. */
  readonly seed: string;
  /** The alerts the guide names; empty when it names none. */
  readonly alerts: readonly GuideAlert[];
}

/**
 * The alerts each app's seed guide names, transcribed by hand from the guides
 * (not read from the app specs or the rendered rules, which would compare the
 * output with itself). Where a guide names no alert, the app must still have
 * an availability alert: one on `up` for its scrape targets (see `needsUp`).
 */
export const GUIDE_ALERTS: Readonly<Record<string, AppAlerts>> = {
  // 000 "Monitoring & Alerting > Alert Rules": "Critical alerts are pre-configured".
  "iot-edge-anomaly": {
    seed: "000_306f82a402d6516b.txt",
    alerts: [
      { alert: "HighCPUUsage", guide: "High CPU Usage: > 80% for 5 minutes", for: "5m" },
      { alert: "HighMemoryUsage", guide: "High Memory Usage: > 80% for 5 minutes", for: "5m" },
      { alert: "PodCrashLooping", guide: "Pod Crash Looping: Restarts detected" },
      { alert: "HighAnomalyRate", guide: "High Anomaly Rate: > 10% for 10 minutes", for: "10m" },
      { alert: "ServiceDown", guide: "Service Down: Service unavailable for 1 minute", for: "1m" },
    ],
  },
  // 001 "Alerting Rules": the example rule group, by name.
  "iot-anomaly-detection": {
    seed: "001_1690f72a25ca6b9e.txt",
    alerts: [
      { alert: "HighErrorRate", guide: "alert: HighErrorRate, for: 5m, severity: critical", for: "5m", severity: "critical" },
      { alert: "HighMemoryUsage", guide: "alert: HighMemoryUsage, for: 10m, severity: warning", for: "10m", severity: "warning" },
    ],
  },
  // 002 mentions ServiceMonitors and "Alert Thresholds" of its own alerts-worker, but no Prometheus alert.
  "iot-telemetry": { seed: "002_8776faa3f539fbc4.txt", alerts: [] },
  // 003 "Alerting: Configure alerts for": four thresholds, no names (the fleet prefixes them with Pynomaly).
  pynomaly: {
    seed: "003_fdb6b3b56f24ab27.txt",
    alerts: [
      { alert: "PynomalyHighErrorRate", guide: "High error rate (>5%)" },
      { alert: "PynomalyHighMemoryUsage", guide: "High memory usage (>90%)" },
      { alert: "PynomalyHighLatency", guide: "High latency (>1000ms)" },
      { alert: "PynomalyLowDiskSpace", guide: "Low disk space (<1GB)" },
    ],
  },
  // 004 configures a ServiceMonitor for kades-api but no alert.
  kades: { seed: "004_f1f8f2e7646b4d72.txt", alerts: [] },
};

/** Does a PromQL expression read the `up` metric (outside string literals)? */
export function readsUp(expr: string): boolean {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  return /(?<![\w:])up(?![\w:(])/.test(code);
}

/** An app's alerts, from the PrometheusRules Prometheus loads; the rest are reported. */
function loadedAlerts(cluster: ClusterTree, app: string, findings: Finding[]): { rules: RenderedDocument[]; alerts: AlertAt[] } {
  const rules: RenderedDocument[] = [];
  for (const document of prometheusRules(cluster).filter((d) => appOf(cluster, d) === app)) {
    if (hasLabels(document.object.metadata.labels, PLATFORM.prometheusSelector)) {
      rules.push(document);
      continue;
    }
    const [key = "release", value = ""] = Object.entries(PLATFORM.prometheusSelector).find(([k, v]) => document.object.metadata.labels?.[k] !== v) ?? [];
    const actual = document.object.metadata.labels?.[key];
    findings.push({
      document,
      summary: "PrometheusRule is not loaded by Prometheus",
      path: `metadata.labels.${key}`,
      problem: `is ${actual === undefined ? "not set" : JSON.stringify(actual)}; Prometheus loads only PrometheusRules labelled ${labelText(PLATFORM.prometheusSelector)}, so none of its alerts is evaluated`,
      fix: `label it \`${key}: ${value}\` (the generator does, from generators/fleet/platform.ts); run \`npm run generate\``,
    });
  }
  return { rules, alerts: rules.flatMap(alertsOf) };
}

function appFindings(cluster: ClusterTree, app: string, anchor: RenderedDocument): Finding[] {
  const findings: Finding[] = [];
  const { rules, alerts } = loadedAlerts(cluster, app, findings);
  const expected = GUIDE_ALERTS[app];
  const source = `apps/${app}`;
  if (expected === undefined) {
    findings.push({
      document: anchor,
      summary: "app has no entry in the required-alerts table",
      path: "",
      problem: `belongs to app ${app}, whose guide's alerts are not recorded in policies/alerts/required-alerts`,
      fix: `add ${app} to GUIDE_ALERTS in policies/alerts/required-alerts/required-alerts.ts with the alerts its seed guide names (none: an empty list)`,
    });
    return findings;
  }
  const rule = rules[0];
  if (rule === undefined) {
    // A rule Prometheus does not load is reported above; an app without any rule here.
    if (findings.length > 0) return findings;
    findings.push({
      document: anchor,
      summary: "app has no PrometheusRule",
      path: "",
      problem: `app ${app} is deployed without alert rules; its guide (${expected.seed}) names ${expected.alerts.length > 0 ? expected.alerts.map((a) => a.alert).join(", ") : "no alert, and every app needs an availability alert on `up`"}`,
      fix: `declare the alerts under \`alerts\` in ${source} and run \`npm run generate\``,
    });
    return findings;
  }
  for (const want of expected.alerts) {
    const found = alerts.filter((a) => a.name === want.alert);
    if (found.length === 0) {
      findings.push({
        document: rule,
        summary: "alert named by the guide is missing",
        path: "spec.groups",
        problem: `has no alert ${want.alert}, which the guide ${expected.seed} asks for ("${want.guide}")`,
        fix: `add ${want.alert} to \`alerts\` in ${sourceOf(rule)} and run \`npm run generate\``,
      });
      continue;
    }
    for (const alert of found) {
      const actual = alert.rule["for"];
      if (want.for !== undefined && !(typeof actual === "string" && durationMs(actual) === durationMs(want.for))) {
        findings.push({
          document: alert.document,
          summary: "alert waits longer or shorter than the guide says",
          path: `${alert.path}.for`,
          problem: `is ${actual === undefined ? "not set" : JSON.stringify(actual)}; the guide ${expected.seed} says "${want.guide}" (for: ${want.for})`,
          fix: `set \`for: ${want.for}\` on ${want.alert} in ${sourceOf(alert.document)} and run \`npm run generate\``,
        });
      }
      const severity = (alert.rule["labels"] as Record<string, unknown> | undefined)?.["severity"];
      if (want.severity !== undefined && severity !== want.severity) {
        findings.push({
          document: alert.document,
          summary: "alert severity differs from the guide",
          path: `${alert.path}.labels.severity`,
          problem: `is ${severity === undefined ? "not set" : JSON.stringify(severity)}; the guide ${expected.seed} says "${want.guide}"`,
          fix: `set \`severity: ${want.severity}\` on ${want.alert} in ${sourceOf(alert.document)} and run \`npm run generate\``,
        });
      }
    }
  }
  if (expected.alerts.length === 0 && !alerts.some((a) => typeof a.rule["expr"] === "string" && readsUp(a.rule["expr"]))) {
    findings.push({
      document: rule,
      summary: "app has no availability alert",
      path: "spec.groups",
      problem: `has no alert on \`up\`: the guide ${expected.seed} names no alert, so the least the app needs is one that fires when its scrape targets are down`,
      fix: `add an alert on \`up{namespace="${rule.object.metadata.namespace ?? ""}"}\` (e.g. \`up{...} == 0\` for 1m) to \`alerts\` in ${sourceOf(rule)} and run \`npm run generate\``,
    });
  }
  return findings;
}

/**
 * Every app deployed in the cluster has a PrometheusRule that Prometheus loads
 * with each alert its seed guide names (and the `for` the guide states); an
 * app whose guide names none has at least an availability alert on `up`.
 */
export const requiredAlerts: Policy = {
  id: "required-alerts",
  area: "alerts",
  severity: "Bug",
  description: "every deployed app has a PrometheusRule, loaded by Prometheus, with each alert its seed guide names; apps whose guide names none alert on `up`",
  check(cluster: ClusterTree): Finding[] {
    // Each app is named at its Namespace when it has one, else at its first document.
    const firstOf = new Map<string, RenderedDocument>();
    for (const document of cluster.documents) {
      const app = appOf(cluster, document);
      if (app === undefined) continue;
      if (!firstOf.has(app) || (document.object.kind === "Namespace" && firstOf.get(app)?.object.kind !== "Namespace")) firstOf.set(app, document);
    }
    return [...firstOf.keys()].sort(byCodeUnit).flatMap((app) => appFindings(cluster, app, firstOf.get(app) as RenderedDocument));
  },
};
