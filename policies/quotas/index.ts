import type { Policy } from "../lib/types.js";

/** The quotas policies, one folder each. */
export const QUOTAS_POLICIES: readonly Policy[] = [];
