import type { Policy } from "../lib/types.js";
import { knownClasses } from "./known-classes/known-classes.js";
import { poolFit } from "./pool-fit/pool-fit.js";

/** The placement policies, one folder each. */
export const PLACEMENT_POLICIES: readonly Policy[] = [poolFit, knownClasses];
