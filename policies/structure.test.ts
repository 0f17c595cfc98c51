// Every policy folder follows the house layout and is registered; a misnamed
// policy (the case kyverno's own structure script misses) is caught.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AREAS, POLICIES } from "./index.js";
import { layoutProblems, policyFolders } from "./lib/layout.js";

const ROOT = import.meta.dirname;
const folders = AREAS.flatMap((area) => policyFolders(ROOT, area).map((id) => [area, id] as const));

describe("when looking at the policy folders", () => {
  it.each(AREAS.map((a) => [a]))("should find policies in %s", (area) => {
    expect(policyFolders(ROOT, area)).not.toEqual([]);
  });

  it.each(folders)("should find %s/%s laid out by its id and registered", async (area, id) => {
    const { problems, policy } = await layoutProblems(ROOT, area, id);
    expect(problems).toEqual([]);
    expect(POLICIES, `${area}/${id} is registered in policies/${area}/index.ts`).toContain(policy);
  });

  it("should register no policy twice and none without a folder", () => {
    const rules = POLICIES.map((p) => `${p.area}/${p.id}`);
    expect(new Set(rules).size).toBe(rules.length);
    expect([...rules].sort()).toEqual(folders.map(([a, id]) => `${a}/${id}`).sort());
  });
});

describe("when a policy folder breaks the layout", () => {
  const root = mkdtempSync(join(tmpdir(), "policy-layout-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, "secrets", "no-plain-secrets");
  mkdirSync(join(dir, "fixtures"), { recursive: true });
  writeFileSync(
    join(dir, "no-plain-secrets.ts"),
    'export const p = { id: "no-secrets", area: "secrets", severity: "Bug", description: "", check: () => [] };\n',
  );
  writeFileSync(join(dir, "fixtures", "good-secret.yaml"), "");
  writeFileSync(join(dir, "fixtures", "bad.yaml"), "");

  it("should name each problem", async () => {
    const { problems } = await layoutProblems(root, "secrets", "no-plain-secrets");
    expect(problems).toEqual([
      "policies/secrets/no-plain-secrets: no-plain-secrets.test.ts is missing",
      "policies/secrets/no-plain-secrets: no fixtures/bad-NN.yaml it rejects",
      "policies/secrets/no-plain-secrets/fixtures/bad.yaml: name it good-<what>.yaml or bad-[<what>-]NN.yaml",
      'policies/secrets/no-plain-secrets/no-plain-secrets.ts: exports id "no-secrets"; the id must equal the folder name "no-plain-secrets"',
    ]);
  });
});
