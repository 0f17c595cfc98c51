import type { Policy } from "../lib/types.js";

/** The alerts policies, one folder each. */
export const ALERTS_POLICIES: readonly Policy[] = [];
