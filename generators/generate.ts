import type { ClusterProfile } from "./fleet/types.js";
import { writeTree } from "./output/write.js";
import { renderFleet } from "./render/fleet.js";
import { renderRunbooks } from "./render/runbooks.js";
import type { AppDefinition } from "./spec/types.js";

export interface GenerateOptions {
  readonly clusters: readonly ClusterProfile[];
  readonly apps: readonly AppDefinition[];
  /** The clusters/ directory to replace. */
  readonly out: string;
  /** Replace only these cluster directories; the rest of `out` stays as it is. @default all of `out` */
  readonly only?: readonly string[];
  /** Every cluster of the fleet, for the runbooks when `clusters` is a subset. @default clusters */
  readonly fleet?: readonly ClusterProfile[];
  /** Where the alert runbooks go (docs/runbooks/). @default not written */
  readonly runbooksOut?: string;
}

/**
 * Renders and writes the fleet. A bad spec throws SpecError before anything is
 * written; otherwise `out` is replaced in one swap. Returns the files written.
 */
export async function generate(options: GenerateOptions): Promise<readonly string[]> {
  const tree = renderFleet(options.clusters, options.apps);
  const runbooks = options.runbooksOut ? renderRunbooks(fleetOf(options), options.apps) : undefined;
  await writeTree(options.out, tree, options.only);
  if (options.runbooksOut && runbooks) await writeTree(options.runbooksOut, runbooks);
  return [...tree.keys()];
}

/** Runbooks always describe every cluster, even when only some are re-rendered. */
function fleetOf(options: GenerateOptions): readonly ClusterProfile[] {
  return options.fleet ?? options.clusters;
}
