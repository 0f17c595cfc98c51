import type { Policy } from "../lib/types.js";

/** The rbac policies, one folder each. */
export const RBAC_POLICIES: readonly Policy[] = [];
