import type { ConfigMapSpec, SecretSpec, WorkloadSpec } from "../spec/types.js";

/** What a data store adds to an app: its workloads plus the config and secrets they need. */
export interface Datastore {
  readonly components: readonly WorkloadSpec[];
  readonly configMaps: readonly ConfigMapSpec[];
  readonly secrets: readonly SecretSpec[];
}

/** Shell prelude that gives a StatefulSet pod its ordinal (`redis-2` -> 2). */
export const ORDINAL = 'ORDINAL="${HOSTNAME##*-}"';
