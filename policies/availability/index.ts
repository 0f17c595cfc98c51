import type { Policy } from "../lib/types.js";

/** The availability policies, one folder each. */
export const AVAILABILITY_POLICIES: readonly Policy[] = [];
