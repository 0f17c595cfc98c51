// CODEOWNERS gives every app one owner group for its spec, its rendered YAML
// and its runbook, and the policy suite its own group.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPS } from "../../apps/index.js";
import { REPO_ROOT } from "../support/committed.js";

/** The owners of a path: the last matching line wins, as GitHub reads CODEOWNERS. */
function ownersOf(rules: readonly { pattern: RegExp; owners: string[] }[], path: string): string[] {
  return rules.filter((r) => r.pattern.test(path)).at(-1)?.owners ?? [];
}

function parseCodeowners(text: string): { pattern: RegExp; owners: string[] }[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [pattern = "", ...owners] = l.split(/\s+/);
      const anchored = pattern.startsWith("/");
      const body = pattern
        .replace(/^\//, "")
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*/g, "\u0000")
        .replace(/\*/g, "[^/]*")
        .replace(/\u0000/g, ".*");
      const regex = pattern === "*" ? ".*" : `${anchored ? "^" : "(^|/)"}${body}${pattern.endsWith("/") ? "" : "(/|$)"}`;
      return { pattern: new RegExp(regex), owners };
    });
}

const rules = parseCodeowners(readFileSync(join(REPO_ROOT, ".github/CODEOWNERS"), "utf8"));

describe("when GitHub reads CODEOWNERS", () => {
  it.each(APPS.map((a) => [a.name]))("should give %s one group for its spec, its YAML in every cluster and its runbook", (app) => {
    const group = `@iot-platform/${app}`;
    expect(ownersOf(rules, `apps/${app}/index.ts`)).toEqual([group]);
    expect(ownersOf(rules, `clusters/prod/apps/${app}/namespace-x.yaml`)).toEqual([group]);
    expect(ownersOf(rules, `clusters/edge/apps/${app}/deployment-x.yaml`)).toEqual([group]);
    expect(ownersOf(rules, `docs/runbooks/${app}.md`)).toEqual([group]);
  });

  it("should give the policies and the platform their groups", () => {
    expect(ownersOf(rules, "policies/network/reachability.ts")).toEqual(["@iot-platform/policies"]);
    expect(ownersOf(rules, "generators/render/app.ts")).toEqual(["@iot-platform/platform"]);
    expect(ownersOf(rules, "clusters/prod/argocd/application-kades.yaml")).toEqual(["@iot-platform/platform"]);
  });
});
