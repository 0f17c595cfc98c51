import type { Policy } from "../lib/types.js";

/** The security policies, one folder each. */
export const SECURITY_POLICIES: readonly Policy[] = [];
