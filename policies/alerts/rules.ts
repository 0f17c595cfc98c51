// What the alerts policies share: the PrometheusRules and ServiceMonitors of a
// cluster as they ship, the app each belongs to, and the rule files promtool
// reads (a PrometheusRule's spec is a Prometheus rule file: `groups:`).
import { join, posix } from "node:path";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { stringify } from "yaml";
import { REPOSITORY } from "../../generators/fleet/platform.js";
import type { ClusterTree, KubeObject, RenderedDocument } from "../lib/types.js";

/** The repository this code lives in: app unit tests and runbooks are read from here. */
export const REPO_ROOT = join(import.meta.dirname, "../..");

/** One rule of a PrometheusRule, loosely typed: a hand edit may put anything anywhere. */
export interface RuleAt {
  readonly document: RenderedDocument;
  readonly groupIndex: number;
  readonly groupName: string;
  readonly ruleIndex: number;
  /** `spec.groups[0].rules[2]` */
  readonly path: string;
  readonly rule: Readonly<Record<string, unknown>>;
}

/** An alerting rule (one with `alert:`); recording rules are left out. */
export interface AlertAt extends RuleAt {
  readonly name: string;
}

/** The PrometheusRules of a cluster. */
export function prometheusRules(cluster: ClusterTree): RenderedDocument[] {
  return cluster.documents.filter((d) => PrometheusRule.is(d.object));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function groupsOf(object: KubeObject): unknown[] {
  const groups = asRecord(object["spec"])?.["groups"];
  return Array.isArray(groups) ? groups : [];
}

/** Every rule of a PrometheusRule, alerting and recording, with its field path. */
export function rulesOf(document: RenderedDocument): RuleAt[] {
  const out: RuleAt[] = [];
  groupsOf(document.object).forEach((group, groupIndex) => {
    const g = asRecord(group);
    const rules = g?.["rules"];
    if (!Array.isArray(rules)) return;
    rules.forEach((rule, ruleIndex) => {
      const r = asRecord(rule);
      if (!r) return;
      out.push({
        document,
        groupIndex,
        groupName: typeof g?.["name"] === "string" ? g["name"] : "",
        ruleIndex,
        path: `spec.groups[${groupIndex}].rules[${ruleIndex}]`,
        rule: r,
      });
    });
  });
  return out;
}

/** The alerting rules of a PrometheusRule. */
export function alertsOf(document: RenderedDocument): AlertAt[] {
  return rulesOf(document).flatMap((r) => (typeof r.rule["alert"] === "string" ? [{ ...r, name: r.rule["alert"] }] : []));
}

/** A document's file relative to its cluster directory (`apps/kades/prometheusrule-kades-alerts.yaml`); "" for a fixture file judged on its own. */
export function clusterRelative(cluster: ClusterTree, document: RenderedDocument): string {
  const prefix = `${cluster.root}/`;
  return document.file.startsWith(prefix) ? document.file.slice(prefix.length) : "";
}

/**
 * The app a document belongs to: its folder under the cluster's `apps/`, or,
 * for a fixture file judged on its own, its `app.kubernetes.io/part-of` label.
 * Platform objects (Argo CD, bootstrap, platform folders) belong to no app.
 */
export function appOf(cluster: ClusterTree, document: RenderedDocument): string | undefined {
  const relative = clusterRelative(cluster, document);
  if (relative === "") return document.object.metadata.labels?.["app.kubernetes.io/part-of"];
  return /^apps\/([^/]+)\//.exec(relative)?.[1];
}

/** Where promtool sees a PrometheusRule's groups: its cluster-relative path (the file name alone for a fixture). */
export function ruleFileName(cluster: ClusterTree, document: RenderedDocument): string {
  const relative = clusterRelative(cluster, document) || posix.basename(document.file);
  return document.index === 0 ? relative : relative.replace(/\.ya?ml$/, `.${document.index}.yaml`);
}

/** The Prometheus rule file a PrometheusRule amounts to: its `spec`, i.e. `groups:`. */
export function ruleFileText(document: RenderedDocument): string {
  return stringify({ groups: groupsOf(document.object) }, { lineWidth: 0 });
}

/** Does `labels` carry every key/value of `selector`? */
export function hasLabels(labels: Readonly<Record<string, string>> | undefined, selector: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** `release: kube-prometheus-stack` as it appears in a message. */
export function labelText(selector: Readonly<Record<string, string>>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

/**
 * The Git revision a cluster's Argo CD syncs, which its runbook links point at:
 * the profile's `repository.targetRevision`, else the fleet's default.
 */
export function clusterRevision(cluster: ClusterTree): string {
  const profile = cluster.profile as { readonly repository?: { readonly targetRevision?: string } } | undefined;
  return profile?.repository?.targetRevision ?? REPOSITORY.targetRevision;
}

/** Where a cluster's runbook_urls must point: a section of a runbook rendered into this repository, at the cluster's revision. */
export function runbookBase(cluster: ClusterTree): string {
  return `${REPOSITORY.url.replace(/\.git$/, "")}/blob/${clusterRevision(cluster)}/docs/runbooks/`;
}
