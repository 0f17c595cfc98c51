import type { Policy } from "../lib/types.js";
import { vpaHpaConflict } from "./vpa-hpa-conflict/vpa-hpa-conflict.js";

/** The autoscaling policies, one folder each. */
export const AUTOSCALING_POLICIES: readonly Policy[] = [vpaHpaConflict];
