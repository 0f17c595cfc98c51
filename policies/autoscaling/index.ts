import type { Policy } from "../lib/types.js";

/** The autoscaling policies, one folder each. */
export const AUTOSCALING_POLICIES: readonly Policy[] = [];
