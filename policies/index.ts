import type { Policy } from "./lib/types.js";
import { QUOTAS_POLICIES } from "./quotas/index.js";
import { NETWORK_POLICIES } from "./network/index.js";
import { SECURITY_POLICIES } from "./security/index.js";
import { ALERTS_POLICIES } from "./alerts/index.js";
import { SECRETS_POLICIES } from "./secrets/index.js";
import { IMAGES_POLICIES } from "./images/index.js";
import { AVAILABILITY_POLICIES } from "./availability/index.js";
import { AUTOSCALING_POLICIES } from "./autoscaling/index.js";
import { RBAC_POLICIES } from "./rbac/index.js";
import { ARGOCD_POLICIES } from "./argocd/index.js";
import { PLACEMENT_POLICIES } from "./placement/index.js";
import { REFERENCES_POLICIES } from "./references/index.js";

/** Every policy, by area. A meta-test checks that each policy folder is listed here. */
export const POLICIES: readonly Policy[] = [
  ...QUOTAS_POLICIES,
  ...NETWORK_POLICIES,
  ...SECURITY_POLICIES,
  ...ALERTS_POLICIES,
  ...SECRETS_POLICIES,
  ...IMAGES_POLICIES,
  ...AVAILABILITY_POLICIES,
  ...AUTOSCALING_POLICIES,
  ...RBAC_POLICIES,
  ...ARGOCD_POLICIES,
  ...PLACEMENT_POLICIES,
  ...REFERENCES_POLICIES,
];

export const AREAS = ["quotas", "network", "security", "alerts", "secrets", "images", "availability", "autoscaling", "rbac", "argocd", "placement", "references"] as const;
