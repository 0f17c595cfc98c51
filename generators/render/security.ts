import type { IPodSecurityContext, ISecurityContext } from "kubernetes-models/v1";
import type { ContainerSecurityOverrides, WorkloadSpec } from "../spec/types.js";

/**
 * Secure defaults for every pod: Pod Security "restricted" plus read-only root
 * filesystem, an explicit non-root UID and no service-account token. A spec
 * changes them only through the named fields; the policy suite still judges.
 */
export const SECURE_DEFAULTS = {
  runAsUser: 10001,
  runAsNonRoot: true,
  seccompProfile: "RuntimeDefault",
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  dropCapabilities: ["ALL"],
  automountServiceAccountToken: false,
} as const;

export function podSecurityContext(workload: WorkloadSpec): IPodSecurityContext {
  const runAsUser = workload.runAsUser ?? SECURE_DEFAULTS.runAsUser;
  const runAsGroup = workload.runAsGroup ?? runAsUser;
  return {
    runAsNonRoot: SECURE_DEFAULTS.runAsNonRoot,
    runAsUser,
    runAsGroup,
    fsGroup: workload.fsGroup ?? runAsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: SECURE_DEFAULTS.seccompProfile },
  };
}

export function containerSecurityContext(overrides: ContainerSecurityOverrides = {}): ISecurityContext {
  const add = overrides.addCapabilities ?? [];
  return {
    allowPrivilegeEscalation: SECURE_DEFAULTS.allowPrivilegeEscalation,
    privileged: SECURE_DEFAULTS.privileged,
    readOnlyRootFilesystem: overrides.readOnlyRootFilesystem ?? SECURE_DEFAULTS.readOnlyRootFilesystem,
    runAsNonRoot: SECURE_DEFAULTS.runAsNonRoot,
    ...(overrides.runAsUser === undefined ? {} : { runAsUser: overrides.runAsUser }),
    capabilities: { drop: [...SECURE_DEFAULTS.dropCapabilities], ...(add.length > 0 ? { add: [...add] } : {}) },
    seccompProfile: { type: SECURE_DEFAULTS.seccompProfile },
  };
}

/** A component's token is mounted only when it declares Kubernetes API access. */
export function needsServiceAccountToken(workload: WorkloadSpec): boolean {
  return (workload.apiAccess ?? []).length > 0;
}

