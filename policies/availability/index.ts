import type { Policy } from "../lib/types.js";
import { podDisruptionBudget } from "./pod-disruption-budget/pod-disruption-budget.js";
import { probes } from "./probes/probes.js";
import { quorumSpread } from "./quorum-spread/quorum-spread.js";
import { spread } from "./spread/spread.js";

/** The availability policies, one folder each. */
export const AVAILABILITY_POLICIES: readonly Policy[] = [probes, podDisruptionBudget, spread, quorumSpread];
