import { describe, expect, it } from "vitest";
import { KUBERNETES_VERSION } from "../../../generators/fleet/versions.js";
import { findTool, KUBERNETES_STAGING_MODULES, TOOLS, upstreamReplaces } from "./catalog.js";
import { recipeHash } from "./build.js";

describe("when reading an upstream go.mod's replace block", () => {
  const upstream = [
    "module github.com/argoproj/argo-cd/v3",
    "replace (",
    "\tgithub.com/golang/protobuf => github.com/golang/protobuf v1.5.4",
    "\t// Avoid CVE-2022-3064",
    "\tgopkg.in/yaml.v2 => gopkg.in/yaml.v2 v2.4.0",
    "\tk8s.io/api => k8s.io/api v0.37.0",
    ")",
    "replace github.com/argoproj/argo-cd/gitops-engine/v3 => ./gitops-engine",
    "replace example.com/up => ../up",
  ].join("\n");

  it("should keep every module replace and drop the local paths a proxy build cannot have", () => {
    const block = upstreamReplaces(upstream);
    expect(block).toContain("github.com/golang/protobuf => github.com/golang/protobuf v1.5.4");
    expect(block).toContain("gopkg.in/yaml.v2 => gopkg.in/yaml.v2 v2.4.0");
    expect(block).toContain("k8s.io/api => k8s.io/api v0.37.0");
    expect(block).not.toContain("gitops-engine");
    expect(block).not.toContain("../up");
    expect(block).not.toContain("CVE");
  });
});

describe("when building Kubernetes from the module proxy", () => {
  const kubernetes = findTool("kubernetes");
  const goMod = kubernetes.goMod("");

  it("should replace all 31 staging modules with their published versions", () => {
    expect(KUBERNETES_STAGING_MODULES).toHaveLength(31);
    const minor = KUBERNETES_VERSION.split(".").slice(1).join(".");
    for (const m of KUBERNETES_STAGING_MODULES) expect(goMod).toContain(`k8s.io/${m} => k8s.io/${m} v0.${minor}\n`);
  });

  it("should stamp the pinned version into every binary, so --version is right", () => {
    expect(kubernetes.ldflags).toContain(`-X k8s.io/component-base/version.gitVersion=v${KUBERNETES_VERSION}`);
    expect(kubernetes.check.expect).toBe(`Kubernetes v${KUBERNETES_VERSION}`);
  });
});

describe("when deciding whether a cached tool is still good", () => {
  it("should change the recipe hash when the go.mod or the flags change", () => {
    const etcd = findTool("etcd");
    const base = recipeHash(etcd, etcd.goMod(""));
    expect(recipeHash(etcd, `${etcd.goMod("")}\n// changed`)).not.toBe(base);
    expect(recipeHash({ ...etcd, ldflags: ["-X main.x=1"] }, etcd.goMod(""))).not.toBe(base);
    expect(recipeHash(etcd, etcd.goMod(""))).toBe(base);
  });

  it("should name every tool once", () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(() => findTool("nope")).toThrow(/no e2e tool named nope; known: /);
  });
});
