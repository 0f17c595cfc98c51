import type { Policy } from "../lib/types.js";
import { clusterCapacity } from "./cluster-capacity/cluster-capacity.js";
import { limitRangeAdmits } from "./limit-range-admits/limit-range-admits.js";
import { containerResources } from "./container-resources/container-resources.js";
import { namespaceQuota } from "./namespace-quota/namespace-quota.js";
import { quotaFitsWorstCase } from "./quota-fits-worst-case/quota-fits-worst-case.js";

/** The quotas policies, one folder each. */
export const QUOTAS_POLICIES: readonly Policy[] = [namespaceQuota, containerResources, limitRangeAdmits, quotaFitsWorstCase, clusterCapacity];
