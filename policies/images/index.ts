import type { Policy } from "../lib/types.js";

/** The images policies, one folder each. */
export const IMAGES_POLICIES: readonly Policy[] = [];
