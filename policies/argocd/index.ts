import type { Policy } from "../lib/types.js";
import { claimsBind } from "./claims-bind/claims-bind.js";
import { dataSafety } from "./data-safety/data-safety.js";

/** The argocd policies, one folder each. */
export const ARGOCD_POLICIES: readonly Policy[] = [dataSafety, claimsBind];
