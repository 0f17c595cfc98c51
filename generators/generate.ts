import type { ClusterProfile } from "./fleet/types.js";
import { writeTree } from "./output/write.js";
import { renderFleet } from "./render/fleet.js";
import type { AppDefinition } from "./spec/types.js";

export interface GenerateOptions {
  readonly clusters: readonly ClusterProfile[];
  readonly apps: readonly AppDefinition[];
  /** The clusters/ directory to replace. */
  readonly out: string;
  /** Replace only these cluster directories; the rest of `out` stays as it is. @default all of `out` */
  readonly only?: readonly string[];
}

/**
 * Renders and writes the fleet. A bad spec throws SpecError before anything is
 * written; otherwise `out` is replaced in one swap. Returns the files written.
 */
export async function generate(options: GenerateOptions): Promise<readonly string[]> {
  const tree = renderFleet(options.clusters, options.apps);
  await writeTree(options.out, tree, options.only);
  return [...tree.keys()];
}
