import type { Policy } from "../lib/types.js";

/** The argocd policies, one folder each. */
export const ARGOCD_POLICIES: readonly Policy[] = [];
