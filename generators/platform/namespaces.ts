import { Namespace } from "kubernetes-models/v1/Namespace";
import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import type { KubeObject } from "../render/app.js";
import { DATA_SAFETY_ANNOTATIONS } from "../render/context.js";
import { byCodeUnit } from "../order.js";
import { plain, platformLabels } from "./addon.js";

/** Namespaces of the platform add-ons. kube-system exists in every cluster and is never managed here. */
export const PLATFORM_NAMESPACES = {
  ingress: PLATFORM.ingressNamespace,
  monitoring: PLATFORM.monitoringNamespace,
  certManager: "cert-manager",
  externalSecrets: "external-secrets",
  system: "kube-system",
} as const;

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** The Pod Security level a platform namespace enforces, and why. */
export interface PodSecurityDeclaration {
  readonly level: PodSecurityLevel;
  /**
   * What the add-on's pods need at the pinned chart version: for `restricted`,
   * what lets them pass it; below it, what they do that `restricted` forbids.
   * Rendered on the Namespace as `iot-fleet.io/pod-security-reason`.
   */
  readonly reason: string;
}

/** Annotation that records a platform namespace's declared reason for its level. */
export const POD_SECURITY_REASON = "iot-fleet.io/pod-security-reason";

/**
 * The level each platform namespace enforces. Add-on pods come from upstream
 * charts this repository does not render, so each level is declared from what
 * the chart runs at its pinned version (HELM_CHARTS in ../fleet/versions.ts);
 * every namespace audits and warns at "restricted" whatever it enforces. A
 * policy (policies/security/platform-pod-security) holds the rendered label to
 * this table, so lowering a level takes a change here, with its reason.
 */
export const PLATFORM_POD_SECURITY: Readonly<Record<string, PodSecurityDeclaration>> = {
  [PLATFORM_NAMESPACES.certManager]: {
    level: "restricted",
    reason:
      "the cert-manager chart runs its controller, webhook, cainjector and startupapicheck pods as non-root with the RuntimeDefault seccomp profile, no privilege escalation and every capability dropped",
  },
  [PLATFORM_NAMESPACES.externalSecrets]: {
    level: "restricted",
    reason:
      "the external-secrets chart runs its operator, webhook and cert controller as UID 1000 with the RuntimeDefault seccomp profile, no privilege escalation, a read-only root filesystem and every capability dropped",
  },
  [PLATFORM_NAMESPACES.ingress]: {
    level: "restricted",
    reason:
      "the ingress-nginx chart runs its controller as UID 101 with the RuntimeDefault seccomp profile, no privilege escalation and every capability dropped but NET_BIND_SERVICE (which restricted allows), and its admission-webhook Jobs as UID 65532 likewise",
  },
  [PLATFORM_NAMESPACES.monitoring]: {
    level: "privileged",
    reason:
      "kube-prometheus-stack runs prometheus-node-exporter here, a DaemonSet that reads the node itself: host network and PID namespaces, host port 9100 and hostPath mounts of /, /proc and /sys (Prometheus, Alertmanager, Grafana, the operator and kube-state-metrics would pass restricted, but a level holds for the whole namespace)",
  },
};

/** The shortest reason a reviewer can judge (as for a probe opt-out). */
const MIN_REASON = 10;

/** A platform namespace's declaration; fails generation for an undeclared namespace or a reason too short to judge. */
export function podSecurityOf(cluster: ClusterProfile, namespace: string): PodSecurityDeclaration {
  const declared = PLATFORM_POD_SECURITY[namespace];
  if (!declared) {
    throw new Error(
      `cluster ${cluster.name}: platform namespace ${namespace} has no Pod Security level; declare it in PLATFORM_POD_SECURITY (generators/platform/namespaces.ts) with the reason the add-on's pods need it`,
    );
  }
  if (declared.reason.trim().length < MIN_REASON) {
    throw new Error(
      `cluster ${cluster.name}: PLATFORM_POD_SECURITY["${namespace}"].reason = ${JSON.stringify(declared.reason)}: a level needs a reason a reviewer can judge; say what the add-on's pods need (generators/platform/namespaces.ts)`,
    );
  }
  return declared;
}

export const NAMESPACES_ADDON = "platform-namespaces";

/** The add-on namespaces as objects, so they exist (with Pod Security labels) before any chart installs into them. */
export function platformNamespaces(cluster: ClusterProfile, names: readonly string[]): KubeObject[] {
  const [major, minor] = cluster.kubernetesVersion.split(".");
  const version = `v${major}.${minor}`;
  return [...new Set(names)]
    .filter((n) => n !== PLATFORM_NAMESPACES.system)
    .sort(byCodeUnit)
    .map((name) => {
      const declared = podSecurityOf(cluster, name);
      return plain(
        new Namespace({
          metadata: {
            name,
            labels: {
              ...platformLabels(NAMESPACES_ADDON),
              "pod-security.kubernetes.io/enforce": declared.level,
              "pod-security.kubernetes.io/enforce-version": version,
              "pod-security.kubernetes.io/audit": "restricted",
              "pod-security.kubernetes.io/audit-version": version,
              "pod-security.kubernetes.io/warn": "restricted",
              "pod-security.kubernetes.io/warn-version": version,
            },
            // Deleting a namespace deletes every volume in it (Prometheus data included).
            annotations: { ...DATA_SAFETY_ANNOTATIONS, [POD_SECURITY_REASON]: declared.reason },
          },
        }),
      );
    });
}
