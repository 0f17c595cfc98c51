import type { Policy } from "../lib/types.js";

/** The network policies, one folder each. */
export const NETWORK_POLICIES: readonly Policy[] = [];
