import type { Policy } from "../lib/types.js";
import { noClusterAdmin } from "./no-cluster-admin/no-cluster-admin.js";
import { noWildcards } from "./no-wildcards/no-wildcards.js";

/** The rbac policies, one folder each. */
export const RBAC_POLICIES: readonly Policy[] = [noWildcards, noClusterAdmin];
