// The layout every policy follows (HOUSE_STYLE): policies/<area>/<id>/{<id>.ts,
// <id>.test.ts, fixtures/good-*.yaml, fixtures/bad-NN.yaml}, with the id equal
// to folder, file and the exported policy's id, and every policy registered.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AREAS, POLICIES } from "./index.js";
import type { Policy } from "./lib/types.js";

const ROOT = import.meta.dirname;
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function isPolicy(value: unknown): value is Policy {
  return typeof value === "object" && value !== null && "id" in value && "check" in value && "area" in value;
}

const folders = AREAS.flatMap((area) =>
  readdirSync(join(ROOT, area), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => [area, e.name] as const),
);

describe("when looking at the policy folders", () => {
  it("should find some in every area", () => {
    for (const area of AREAS) expect(folders.filter(([a]) => a === area).map(([, id]) => id), `policies/${area}`).not.toEqual([]);
  });

  it.each(folders)("should find %s/%s laid out by its id", async (area, id) => {
    const dir = join(ROOT, area, id);
    expect(id).toMatch(KEBAB);
    expect(existsSync(join(dir, `${id}.ts`)), `${area}/${id}/${id}.ts`).toBe(true);
    expect(existsSync(join(dir, `${id}.test.ts`)), `${area}/${id}/${id}.test.ts`).toBe(true);
    const fixtures = readdirSync(join(dir, "fixtures"));
    expect(fixtures.some((f) => /^good-[a-z0-9-]+\.yaml$/.test(f)), "a fixtures/good-*.yaml").toBe(true);
    expect(fixtures.some((f) => /^bad-[a-z0-9-]*\d\d\.yaml$/.test(f)), "a numbered fixtures/bad-*NN.yaml").toBe(true);
    for (const f of fixtures) expect(f, `${area}/${id}/fixtures/${f}`).toMatch(/^(good-[a-z0-9-]+|bad-[a-z0-9-]*\d\d)\.yaml$/);

    const exported = Object.values(await import(join(dir, `${id}.ts`))).filter(isPolicy);
    expect(exported.map((p) => [p.area, p.id])).toEqual([[area, id]]);
    expect(POLICIES, `${area}/${id} is registered in policies/${area}/index.ts`).toContain(exported[0]);
  });

  it("should register no policy twice and none without a folder", () => {
    const rules = POLICIES.map((p) => `${p.area}/${p.id}`);
    expect(new Set(rules).size).toBe(rules.length);
    expect(rules.sort()).toEqual(folders.map(([a, id]) => `${a}/${id}`).sort());
  });
});
