// Shared by the network policy tests: the KADES fixture world as an
// in-memory cluster, editable per case, and its intent.
import { join } from "node:path";
import { clusterOf } from "../lib/load.js";
import { loadFixture } from "../lib/testing.js";
import type { ClusterTree, KubeObject } from "../lib/types.js";
import { describeFlow } from "./analysis.js";
import { type Intent, intentFromFile } from "./intent.js";

const WORLD = join(import.meta.dirname, "undeclared-flows");

/** The declared flows of the fixture world (undeclared-flows/intent.json). */
export function worldIntent(): Intent {
  return intentFromFile(join(WORLD, "intent.json"));
}

/** The world without some flows: those whose description (`kades/kades-api -> kades/timescaledb on TCP 5432`) matches. */
export function intentWithout(pattern: RegExp): Intent {
  const intent = worldIntent();
  return { ...intent, flows: intent.flows.filter((f) => !pattern.test(describeFlow(f))) };
}

/**
 * The good KADES fixture as cluster `name` (default `lab`, no fleet profile),
 * after `edit` changes a copy of its objects; named `in-memory` so no intent
 * file applies.
 */
export function world(edit: (objects: Record<string, any>[]) => Record<string, any>[] | void = () => {}, name = "lab"): ClusterTree {
  const fixture = loadFixture(join(WORLD, "fixtures/good-kades.yaml"));
  const objects = fixture.documents.map((d) => structuredClone(d.object) as Record<string, any>);
  const edited = edit(objects) ?? objects;
  return clusterOf(
    name,
    edited.map((object, index) => ({ file: "in-memory.yaml", index, object: object as KubeObject })),
    "in-memory",
  );
}

/** The object of a kind and name in a list, for edits. */
export function find(objects: Record<string, any>[], kind: string, name: string): Record<string, any> {
  const found = objects.find((o) => o["kind"] === kind && o["metadata"]?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the fixture world`);
  return found;
}
