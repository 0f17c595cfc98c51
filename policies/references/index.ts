import type { Policy } from "../lib/types.js";
import { budgetSelectsPods } from "./budget-selects-pods/budget-selects-pods.js";
import { ingressBackends } from "./ingress-backends/ingress-backends.js";
import { ingressTlsSecrets } from "./ingress-tls-secrets/ingress-tls-secrets.js";
import { networkPolicySelectsPods } from "./network-policy-selects-pods/network-policy-selects-pods.js";
import { podClaimReferences } from "./pod-claim-references/pod-claim-references.js";
import { podConfigReferences } from "./pod-config-references/pod-config-references.js";
import { podSecretReferences } from "./pod-secret-references/pod-secret-references.js";
import { probePorts } from "./probe-ports/probe-ports.js";
import { roleBindingReferences } from "./role-binding-references/role-binding-references.js";
import { scaleTargets } from "./scale-targets/scale-targets.js";
import { serviceAccountReferences } from "./service-account-references/service-account-references.js";
import { serviceMonitorTargets } from "./service-monitor-targets/service-monitor-targets.js";
import { serviceSelectsPods } from "./service-selects-pods/service-selects-pods.js";
import { serviceTargetPorts } from "./service-target-ports/service-target-ports.js";
import { statefulSetService } from "./stateful-set-service/stateful-set-service.js";
import { volumeMounts } from "./volume-mounts/volume-mounts.js";

/**
 * The references policies, one folder each: every name and selector an object
 * uses resolves, inside its namespace, to something the tree renders or a
 * controller the fleet runs creates (resolve.ts decides which).
 */
export const REFERENCES_POLICIES: readonly Policy[] = [
  // Services and what reaches them
  serviceSelectsPods,
  serviceTargetPorts,
  ingressBackends,
  ingressTlsSecrets,
  serviceMonitorTargets,
  statefulSetService,
  // Selectors and targets of controllers
  scaleTargets,
  budgetSelectsPods,
  networkPolicySelectsPods,
  // What a pod names
  podConfigReferences,
  podSecretReferences,
  podClaimReferences,
  volumeMounts,
  serviceAccountReferences,
  probePorts,
  // What a binding grants, and to whom
  roleBindingReferences,
];
