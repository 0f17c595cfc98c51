// The layout every policy follows (HOUSE_STYLE): policies/<area>/<id>/{<id>.ts,
// <id>.test.ts, fixtures/good-*.yaml, fixtures/bad-NN.yaml}, the id equal to
// the folder, the file and the exported policy's id.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Policy } from "./types.js";

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const FIXTURE = /^(good-[a-z0-9-]+|bad-[a-z0-9-]*\d\d)\.yaml$/;

function isPolicy(value: unknown): value is Policy {
  return typeof value === "object" && value !== null && "id" in value && "area" in value && "check" in value;
}

/** Folders under an area that hold a policy (a `lib/` folder holds shared code instead). */
export function policyFolders(root: string, area: string): string[] {
  if (!existsSync(join(root, area))) return [];
  return readdirSync(join(root, area), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "lib" && e.name !== "__snapshots__")
    .map((e) => e.name)
    .sort();
}

/** What is wrong with one policy folder's layout; empty when it follows the house layout. */
export async function layoutProblems(root: string, area: string, id: string): Promise<{ problems: string[]; policy?: Policy }> {
  const dir = join(root, area, id);
  const where = `policies/${area}/${id}`;
  const problems: string[] = [];
  if (!KEBAB.test(id)) problems.push(`${where}: the id must be kebab-case`);
  for (const file of [`${id}.ts`, `${id}.test.ts`]) {
    if (!existsSync(join(dir, file))) problems.push(`${where}: ${file} is missing`);
  }
  const fixtures = existsSync(join(dir, "fixtures")) ? readdirSync(join(dir, "fixtures")) : [];
  if (!fixtures.some((f) => f.startsWith("good-"))) problems.push(`${where}: no fixtures/good-*.yaml it accepts`);
  if (!fixtures.some((f) => f.startsWith("bad-"))) problems.push(`${where}: no fixtures/bad-NN.yaml it rejects`);
  for (const f of fixtures.filter((f) => !FIXTURE.test(f))) problems.push(`${where}/fixtures/${f}: name it good-<what>.yaml or bad-[<what>-]NN.yaml`);
  if (!existsSync(join(dir, `${id}.ts`))) return { problems };

  const exported = Object.values(await import(pathToFileURL(join(dir, `${id}.ts`)).href)).filter(isPolicy);
  if (exported.length !== 1) {
    problems.push(`${where}/${id}.ts: exports ${exported.length} policies; export exactly one`);
    return { problems };
  }
  const policy = exported[0] as Policy;
  if (policy.id !== id) problems.push(`${where}/${id}.ts: exports id "${policy.id}"; the id must equal the folder name "${id}"`);
  if (policy.area !== area) problems.push(`${where}/${id}.ts: exports area "${policy.area}"; the area must equal the parent folder "${area}"`);
  return { problems, policy };
}
