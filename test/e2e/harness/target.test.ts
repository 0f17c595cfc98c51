import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../schema/cache.js";
import { loadTarget } from "./target.js";

const tmp = mkdtempSync(join(tmpdir(), "e2e-target-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("when loading a rendered cluster directory", () => {
  const target = loadTarget(join(REPO_ROOT, "clusters/kind"));

  it("should apply every Application that syncs the fleet repository, unchanged", () => {
    expect(target.applications.map((a) => a.metadata?.name)).toContain("kades");
    expect(target.applications.every((a) => JSON.stringify(a).includes(target.profile.repository.url))).toBe(true);
    expect(target.projects.map((p) => p.metadata?.name)).toContain("kades");
  });

  it("should list every Helm-chart Application as not synced, with the chart and why", () => {
    const charts = target.skipped.find((s) => s.name === "cert-manager");
    expect(charts?.reason).toMatch(/^Helm chart cert-manager v\d+\.\d+\.\d+ from https:\/\/charts\.jetstack\.io cannot be fetched here/);
    expect(target.applications.map((a) => a.metadata?.name)).not.toContain("cert-manager");
  });

  it("should take the repository's own argocd-cm customizations from the root Application", () => {
    expect(Object.keys(target.argocdCm).sort()).toEqual(["resource.customizations.health.PersistentVolumeClaim", "resource.customizations.health.argoproj.io_Application"]);
  });

  it("should tell the cluster of a copy with another name from its Applications' paths", () => {
    const copy = join(tmp, "my-change");
    cpSync(join(REPO_ROOT, "clusters/prod"), copy, { recursive: true });
    expect(loadTarget(copy).profile.name).toBe("prod");
    expect(loadTarget(copy).repoPath).toBe("clusters/prod");
  });

  it("should refuse a directory that is not a rendered cluster, saying what to give", () => {
    expect(() => loadTarget(join(tmp, "nope"))).toThrow(/no such directory; give a rendered cluster directory such as clusters\/prod/);
    expect(() => loadTarget(join(REPO_ROOT, "docs"))).toThrow(/has no argocd\/ folder/);
  });
});
