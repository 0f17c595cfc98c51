import type { Policy } from "../lib/types.js";
import { claimsBind } from "./claims-bind/claims-bind.js";
import { dataSafety } from "./data-safety/data-safety.js";
import { destinationNamespace } from "./destination-namespace/destination-namespace.js";
import { pathsExist } from "./paths-exist/paths-exist.js";
import { projectPermits } from "./project-permits/project-permits.js";
import { singleOwner } from "./single-owner/single-owner.js";

/** The argocd policies, one folder each. */
export const ARGOCD_POLICIES: readonly Policy[] = [dataSafety, claimsBind, projectPermits, pathsExist, destinationNamespace, singleOwner];
