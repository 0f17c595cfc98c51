import type { Policy } from "../lib/types.js";
import { noSecretData } from "./no-secret-data/no-secret-data.js";

/** The secrets policies, one folder each. */
export const SECRETS_POLICIES: readonly Policy[] = [noSecretData];
