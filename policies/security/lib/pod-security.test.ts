import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { loadFixture, REPO_ROOT } from "../../lib/testing.js";
import { allowedAt, atLeast, clusterMinor, generatorFix, parseMinor, podsOf, shown, specFix } from "./pod-security.js";
import { atKubernetes } from "./testing.js";

const fixture = (policy: string, file: string): ReturnType<typeof loadFixture> => loadFixture(join(REPO_ROOT, "policies/security", policy, "fixtures", file));

describe("when parsing a Kubernetes version", () => {
  it.each([
    ["1.35.4", { major: 1, minor: 35 }],
    ["v1.31", { major: 1, minor: 31 }],
    ["1.9", { major: 1, minor: 9 }],
  ])("should read %s", (version, expected) => {
    expect(parseMinor(version)).toEqual(expected);
  });

  it.each([["latest"], ["1"], ["1.35.4-rc.0"], ["v1.x"]])("should refuse %j", (version) => {
    expect(parseMinor(version)).toBeUndefined();
  });

  it("should fail with the fix when a profile's version cannot be read", () => {
    expect(() => clusterMinor(atKubernetes(fixture("restrict-seccomp", "good-statefulset.yaml"), "next"))).toThrow(/kubernetesVersion "next".*generators\/fleet\/clusters\.ts/);
  });

  it("should use the fleet's pinned version for a directory without a profile", () => {
    expect(clusterMinor(clusterOf("scratch", []))).toEqual({ major: 1, minor: 35 });
  });
});

describe("when reading the pods of a cluster", () => {
  it("should give the spec and metadata paths of a CronJob and a bare Pod", () => {
    const pods = [
      ...podsOf(fixture("read-only-root-filesystem", "good-cronjob.yaml")),
      ...podsOf(fixture("disallow-host-process", "good-windows-pod.yaml")),
    ];
    expect(pods.map((p) => [p.path, p.metadataPath, p.windows])).toEqual([
      ["spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template.metadata", false],
      ["spec", "metadata", true],
    ]);
  });

  it("should label init, regular and ephemeral containers", () => {
    const [pod] = podsOf(fixture("restrict-capabilities", "good-ephemeral-pod.yaml"));
    const [statefulset] = podsOf(fixture("restrict-capabilities", "good-statefulset.yaml"));
    expect([...(statefulset?.containers ?? []), ...(pod?.containers ?? [])].map((c) => c.label)).toEqual([
      'init container "clone-replica"',
      'container "timescaledb"',
      'container "kades-api"',
      'ephemeral container "debugger"',
    ]);
  });

  it("should see no pods in a tree without workloads", () => {
    expect(podsOf(fixture("namespace-pod-security", "good-latest.yaml"))).toEqual([]);
  });
});

describe("when adding allow-lists by version", () => {
  const lists = [[0, ["a"]], [27, ["b"]], [32, ["c"]]] as const;

  it("should compare minors within a major and put a later major after every 1.x", () => {
    expect([atLeast({ major: 1, minor: 35 }, 35), atLeast({ major: 1, minor: 34 }, 35), atLeast({ major: 2, minor: 0 }, 35)]).toEqual([true, false, true]);
  });

  it("should include each entry from its minor on", () => {
    expect([...allowedAt(lists, { major: 1, minor: 31 })]).toEqual(["a", "b"]);
    expect([...allowedAt(lists, { major: 1, minor: 32 })]).toEqual(["a", "b", "c"]);
  });
});

describe("when writing a fix", () => {
  const [appPod] = podsOf(fixture("restrict-seccomp", "good-statefulset.yaml"));
  const platform = podsOf(fixture("namespace-pod-security", "bad-07.yaml"));

  it("should name the app spec and component for an app's pod", () => {
    expect(specFix(appPod!, "set `runAsUser`")).toBe("in apps/kades (component timescaledb): set `runAsUser`, then run `npm run generate`");
    expect(generatorFix(appPod!, "set x")).toMatch(/^set x: apps\/kades \(component timescaledb\) cannot set this field/);
  });

  it("should name the generator for a pod that belongs to no app", () => {
    expect(platform.map((p) => specFix(p, "set x"))).toEqual(["set x where generators/ renders Pod/argocd-debug, then run `npm run generate`"]);
    expect(platform.map((p) => generatorFix(p, "set x", p.containers[0]))).toEqual([
      'set x where generators/ renders Pod/argocd-debug (container "shell"), then run `npm run generate`',
    ]);
  });

  it("should show strings quoted and other values as code", () => {
    expect([shown("Unconfined"), shown(0), shown(true), shown(["NET_RAW"])]).toEqual(['"Unconfined"', "`0`", "`true`", '`["NET_RAW"]`']);
  });
});
