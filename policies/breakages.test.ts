// `npm run policy` on copies of the committed prod tree, each with one of the
// breakages an operator must be told about before Argo CD or the scheduler
// finds them: every one fails the run and is named by its rule, file, object,
// field and fix, in text and in JSON.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyCluster, editObject, type Editable } from "../test/e2e/catalogue/copies.js";
import { formatDiagnostic } from "./lib/format.js";
import { REPO_ROOT } from "./lib/testing.js";
import type { Diagnostic } from "./lib/types.js";

const run = promisify(execFile);
const TSX = join(REPO_ROOT, "node_modules/.bin/tsx");
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

async function policy(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(TSX, [CLI, ...args], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe("when `npm run policy` judges copies of clusters/prod, each with one breakage", () => {
  const copies = BREAKAGES.map(() => copyCluster("prod"));
  let text = { code: -1, stdout: "" };
  let diagnostics: Diagnostic[] = [];
  let code = -1;

  beforeAll(async () => {
    BREAKAGES.forEach((b, i) => editObject((copies[i] as { dir: string }).dir, b.file, b.edit));
    const dirs = copies.map((c) => c.dir);
    text = await policy(...dirs);
    const json = await policy(...dirs, "--format", "json");
    code = json.code;
    diagnostics = (JSON.parse(json.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  }, 120_000);
  afterAll(() => copies.forEach((c) => c.remove()));

  it("should fail the run", () => {
    expect(text.code).toBe(1);
    expect(code).toBe(1);
  });

  it.each(BREAKAGES.map((b, i) => [b.name, b, i] as const))("should name the rule, file, object, field and fix of %s", (_, breakage, i) => {
    const dir = (copies[i] as { dir: string }).dir;
    const mine = diagnostics.filter((d) => d.file.startsWith(`${dir}/`) || d.file.startsWith(dir.replace(/^\//, "")));
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
    const failing = diagnostics.filter((d) => d.severity === "Bug" || d.severity === "Fatal");
    const expected = new Set(BREAKAGES.map((b) => b.rule));
    // A breakage may trip a related rule too (a destination outside the project is also outside the app's namespace), never an unrelated one.
    const related = new Set([...expected, "argocd/destination-namespace"]);
    expect([...new Set(failing.map((d) => d.rule))].filter((r) => !related.has(r))).toEqual([]);
  });
});
