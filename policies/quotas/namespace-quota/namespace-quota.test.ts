import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../../test/support/cli.js";
import { clusterOf } from "../../lib/load.js";
import { describeFixtures, injected, REPO_ROOT, runAll } from "../../lib/testing.js";
import type { KubeObject, RenderedDocument } from "../../lib/types.js";
import { namespaceQuota } from "./namespace-quota.js";

describeFixtures(namespaceQuota, import.meta.dirname);

function doc(object: KubeObject, file = "clusters/prod/apps/demo/x.yaml"): RenderedDocument {
  return { file, index: 0, object };
}

const NAMESPACE: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } };

async function summaries(...documents: RenderedDocument[]): Promise<string[]> {
  return (await namespaceQuota.check(clusterOf("prod", documents))).map((f) => f.summary);
}

describe("when a Namespace is rendered under apps/", () => {
  it("should require a quota and a limit range even with no pods", async () => {
    expect(await summaries(doc(NAMESPACE))).toEqual(["namespace has no ResourceQuota", "namespace has no LimitRange"]);
  });

  it("should not require them of a Namespace outside apps/ that is part of no app the cluster runs", async () => {
    expect(await summaries(doc(NAMESPACE, "clusters/prod/platform/namespace-demo.yaml"))).toEqual([]);
  });

  it("should require them of a Namespace outside apps/ labelled part of an app the profile runs", async () => {
    const labelled = { ...NAMESPACE, metadata: { name: "demo", labels: { "app.kubernetes.io/part-of": "kades" } } };
    expect(await summaries(doc(labelled, "clusters/prod/platform/namespace-demo.yaml"))).toHaveLength(2);
  });
});

describe("when a namespace runs pods", () => {
  const pod: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "tools" }, spec: { containers: [] } };

  it("should require a quota and a limit range in it, wherever the file is", async () => {
    expect(await summaries(doc(pod, "clusters/prod/platform/pod-p.yaml"))).toEqual(["namespace has no ResourceQuota", "namespace has no LimitRange"]);
  });

  it("should not count an Argo CD Application in a namespace as running pods there", async () => {
    const app: KubeObject = { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "a", namespace: "argocd" }, spec: {} };
    expect(await summaries(doc(app, "clusters/prod/argocd/application-a.yaml"))).toEqual([]);
  });
});

describe("when the quota sets a measure in its short form", () => {
  it("should accept `cpu` for requests.cpu and `count/pods` for pods, and report what is still missing", async () => {
    const quota: KubeObject = {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q", namespace: "demo" },
      spec: { hard: { cpu: "1", memory: "1Gi", "limits.cpu": "2", "count/pods": "3" } },
    };
    const limits: KubeObject = { apiVersion: "v1", kind: "LimitRange", metadata: { name: "l", namespace: "demo" }, spec: { limits: [{ type: "Container", max: { cpu: "1", memory: "1Gi" } }] } };
    expect(await summaries(doc(NAMESPACE), doc(quota), doc(limits))).toEqual(["quota does not bound limits.memory"]);
  });
});

describe("when a quota is deleted from the committed prod tree", () => {
  it("should name the rule", async () => {
    const tree = injected("prod", "/kades/resourcequota-kades-quota.yaml", () => []);
    const found = (await runAll(tree)).filter((d) => d.rule === "quotas/namespace-quota");
    expect(found.map((d) => `${d.resource} ${d.summary}`)).toEqual(["Namespace/kades namespace has no ResourceQuota"]);
  });

  it("should make the CLI exit non-zero and name the rule, the file and the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quotas-"));
    try {
      cpSync(join(REPO_ROOT, "clusters/prod"), join(dir, "prod"), { recursive: true });
      rmSync(join(dir, "prod/apps/kades/limitrange-kades-limits.yaml"));
      const result = await runCommand("policies/cli.ts", [join(dir, "prod")], { cwd: REPO_ROOT });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toContain("Bug: namespace has no LimitRange (quotas/namespace-quota)");
      expect(result.stdout).toContain("prod/apps/kades/namespace-kades.yaml -> Namespace/kades");
      expect(result.stdout).toContain("add a LimitRange");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
