// `npm run policy` on copies of the committed prod tree, each with one
// breakage an operator must be told about before Argo CD, the scheduler or a
// cluster finds it: every one fails the run and is named by its rule, file,
// object, field and fix, in text and in JSON. All the copies are judged by one
// run of the CLI per format (each is a cluster named prod of its own), so the
// CLI's start-up and promtool's answers are paid for once, not per breakage.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, type CommandRun } from "../test/support/cli.js";
import { editObject, type Editable } from "../test/e2e/catalogue/copies.js";
import { formatDiagnostic } from "./lib/format.js";
import { REPO_ROOT } from "./lib/testing.js";
import type { Diagnostic } from "./lib/types.js";
import { blockFor, breakCopy, REFERENCE_BREAKAGES } from "./references/breakages.js";

const CLI = join(REPO_ROOT, "policies/cli.ts");

interface Breakage {
  readonly name: string;
  /** The file of the copy to edit, relative to the cluster directory. */
  readonly file: string;
  readonly edit: (o: Editable) => void;
  /** What the run must say: the rule, the file (relative to the cluster directory), the object, the field and the fix. */
  readonly rule: string;
  readonly at: string;
  readonly resource: string;
  readonly path: string;
  readonly fix: RegExp;
}

const BREAKAGES: readonly Breakage[] = [
  {
    name: "a nodeSelector no node pool satisfies",
    file: "apps/kades/deployment-kades-api.yaml",
    edit: (o) => {
      o.spec.template.spec.nodeSelector["node.iot-fleet.io/pool"] = "gpu";
    },
    rule: "placement/pool-fit",
    at: "apps/kades/deployment-kades-api.yaml",
    resource: "Deployment/kades-api",
    path: 'spec.template.spec.nodeSelector["node.iot-fleet.io/pool"]',
    fix: /set `nodePool` of component kades-api in apps\/kades to a pool of cluster prod \(standard, analytics\)/,
  },
  {
    name: "an AppProject that no longer permits a kind its Application ships",
    file: "argocd/appproject-kades.yaml",
    edit: (o) => {
      o.spec.namespaceResourceWhitelist = o.spec.namespaceResourceWhitelist.filter((k: Editable) => k.kind !== "CronJob");
    },
    rule: "argocd/project-permits",
    at: "argocd/appproject-kades.yaml",
    resource: "AppProject/kades",
    path: "spec.namespaceResourceWhitelist",
    fix: /generators\/argocd\/projects\.ts.*add \{group: "batch", kind: CronJob\} to spec\.namespaceResourceWhitelist/,
  },
  {
    name: "an Application syncing a directory that does not exist",
    file: "argocd/application-kades.yaml",
    edit: (o) => {
      o.spec.source.path = "clusters/prod/apps/kades-renamed";
    },
    rule: "argocd/paths-exist",
    at: "argocd/application-kades.yaml",
    resource: "Application/kades",
    path: "spec.source.path",
    fix: /point Application\/kades at the directory of clusters\/prod\/ that holds its manifests.*npm run generate/,
  },
  {
    name: "an Application syncing into a namespace its project forbids",
    file: "argocd/application-pynomaly.yaml",
    edit: (o) => {
      o.spec.destination.namespace = "kube-system";
    },
    rule: "argocd/project-permits",
    at: "argocd/application-pynomaly.yaml",
    resource: "Application/pynomaly",
    path: "spec.destination.namespace",
    fix: /generators\/argocd\/applications\.ts.*npm run generate/,
  },
  {
    name: "a platform namespace quietly dropped to privileged",
    file: "platform/namespaces/namespace-ingress-nginx.yaml",
    edit: (o) => {
      o.metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged";
    },
    rule: "security/platform-pod-security",
    at: "platform/namespaces/namespace-ingress-nginx.yaml",
    resource: "Namespace/ingress-nginx",
    path: 'metadata.labels["pod-security.kubernetes.io/enforce"]',
    fix: /set it back to `restricted`.*generators\/platform\/namespaces\.ts.*npm run generate/,
  },
];

/** The copies, each a `prod` directory of its own under one scratch directory. */
const scratch = mkdtempSync(join(tmpdir(), "policy-breakages-"));
const copyOf = (kind: string, i: number): string => join(scratch, `${kind}-${i}`, "prod");
const breakageCopies = BREAKAGES.map((_, i) => copyOf("breakage", i));
const referenceCopies = REFERENCE_BREAKAGES.map((_, i) => copyOf("reference", i));
const secretCopy = copyOf("secret", 0);
const SECRET_FILE = "apps/kades/secret-kades-secrets.yaml";

// As the CLI shows a file: relative to its working directory, or absolute outside it.
const shown = (path: string): string => {
  const rel = relative(REPO_ROOT, path);
  return (rel.startsWith("..") ? path : rel).split(sep).join("/");
};

/** The CLI's text report on every copy, and its JSON report on those whose tests read JSON. */
let text: CommandRun = { code: -1, stdout: "", stderr: "" };
let json: CommandRun = { code: -1, stdout: "", stderr: "" };
let diagnostics: Diagnostic[] = [];

beforeAll(async () => {
  for (const dir of [...breakageCopies, ...referenceCopies, secretCopy]) cpSync(join(REPO_ROOT, "clusters/prod"), dir, { recursive: true });
  BREAKAGES.forEach((b, i) => editObject(breakageCopies[i] as string, b.file, b.edit));
  REFERENCE_BREAKAGES.forEach((b, i) => breakCopy(referenceCopies[i] as string, b));
  mkdirSync(join(secretCopy, "apps/kades"), { recursive: true });
  writeFileSync(join(secretCopy, SECRET_FILE), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: kades-secrets\n  namespace: kades\ndata:\n  jwt-secret: c2VjcmV0\n");
  [text, json] = await Promise.all([
    runCommand(CLI, [...breakageCopies, ...referenceCopies, secretCopy], { cwd: REPO_ROOT }),
    runCommand(CLI, [...breakageCopies, secretCopy, "--format", "json"], { cwd: REPO_ROOT }),
  ]);
  diagnostics = (JSON.parse(json.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The diagnostics of the JSON report on one copy. */
const diagnosticsIn = (dir: string): Diagnostic[] => diagnostics.filter((d) => d.file.startsWith(`${dir}/`) || d.file.startsWith(`${shown(dir)}/`));

describe("when `npm run policy` judges copies of clusters/prod, each with one breakage", () => {
  it("should fail the run", () => {
    expect(text.code).toBe(1);
    expect(json.code).toBe(1);
  });

  it.each(BREAKAGES.map((b, i) => [b.name, b, i] as const))("should name the rule, file, object, field and fix of %s", (_, breakage, i) => {
    const mine = diagnosticsIn(breakageCopies[i] as string);
    const found = mine.filter((d) => d.rule === breakage.rule && d.severity === "Bug");
    expect(found.map((d) => [d.file.slice(d.file.length - breakage.at.length), d.resource, d.path])).toContainEqual([breakage.at, breakage.resource, breakage.path]);
    const diagnostic = found.find((d) => d.resource === breakage.resource && d.path === breakage.path) as Diagnostic;
    expect(diagnostic.file.endsWith(`prod/${breakage.at}`)).toBe(true);
    expect(diagnostic.problem.length).toBeGreaterThan(40);
    expect(diagnostic.fix).toMatch(breakage.fix);
    // The text report prints the same diagnostic in full.
    expect(text.stdout).toContain(formatDiagnostic(diagnostic));
  });

  it("should find nothing of severity Bug or higher in the copies but what the breakages cause", () => {
    const failing = breakageCopies.flatMap(diagnosticsIn).filter((d) => d.severity === "Bug" || d.severity === "Fatal");
    const expected = new Set(BREAKAGES.map((b) => b.rule));
    // A breakage may trip a related rule too (a destination outside the project is also outside the app's namespace), never an unrelated one.
    const related = new Set([...expected, "argocd/destination-namespace"]);
    expect(failing.length).toBeGreaterThan(0);
    expect([...new Set(failing.map((d) => d.rule))].filter((r) => !related.has(r))).toEqual([]);
  });
});

describe("when a reviewer runs npm run policy on copies of prod, each with one breakage of a reference a cluster finds only after merge", () => {
  it("should fail the run", () => {
    expect(text.code).toBe(1);
    const judged = breakageCopies.length + referenceCopies.length + 1;
    expect(text.stdout).toMatch(new RegExp(`checked ${judged} cluster\\(s\\): found \\d+ problem\\(s\\) with severity Bug or higher`));
  });

  it.each(REFERENCE_BREAKAGES.map((b, i) => [b.what, i] as const))("should name the rule, file, object, field and fix for %s", (_, i) => {
    const breakage = REFERENCE_BREAKAGES[i] as (typeof REFERENCE_BREAKAGES)[number];
    const file = shown(join(referenceCopies[i] as string, breakage.at));
    const block = blockFor(text.stdout, file, breakage);
    expect(block, `no (${breakage.rule}) problem at ${file} -> ${breakage.resource} in:\n${text.stdout}`).toBeDefined();
    const [, , field, fix] = (block as string).split("\n").map((line) => line.trim());
    expect(field?.split(" ")[0]).toMatch(breakage.path);
    expect(fix).toContain(breakage.fix);
    expect(fix).toContain("run `npm run generate`");
  });

  it("should leave the other copies clean of that rule: each breakage is reported where it was made only", () => {
    const all = [...breakageCopies, ...referenceCopies, secretCopy];
    REFERENCE_BREAKAGES.forEach((breakage, i) => {
      const elsewhere = all.filter((dir, j) => dir !== referenceCopies[i] && REFERENCE_BREAKAGES[j - breakageCopies.length]?.rule !== breakage.rule);
      expect(elsewhere.length).toBeGreaterThan(0);
      for (const dir of elsewhere) expect(text.stdout.includes(`(${breakage.rule})\n  ---> ${shown(dir)}/`)).toBe(false);
    });
  });
});

describe("when a Secret with data is added to a copy of clusters/prod", () => {
  it("should exit 1 and name the rule, file and resource", () => {
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("(secrets/no-secret-data)");
    expect(text.stdout).toContain(`${shown(join(secretCopy, SECRET_FILE))} -> Secret/kades-secrets`);
    expect(text.stdout).toMatch(/found \d+ problem\(s\) with severity Bug or higher/);

    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { problems: number };
    expect(report.problems).toBeGreaterThan(0);
    expect(diagnosticsIn(secretCopy)).toContainEqual(expect.objectContaining({ rule: "secrets/no-secret-data", cluster: "prod", path: "data" }));
  });
});
