// Every pin in generators/fleet/versions.ts and every image an app renders
// carries the `renovate:` comment that .github/renovate.json's regex manager
// reads: found here by applying the configuration's own patterns.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readTree } from "../../generators/output/write.js";
import { clusterOf, parseDocuments } from "../../policies/lib/load.js";
import { containersOf, podTemplates } from "../../policies/lib/objects.js";
import { CLUSTERS_DIR, REPO_ROOT } from "../support/committed.js";
import { extractPins, type Pin, regexManagers, RENOVATE_CONFIG, repositoryPins, uncoveredVersions, versionLiterals } from "./custom-manager.js";

const config = JSON.parse(readFileSync(join(REPO_ROOT, RENOVATE_CONFIG), "utf8"));
const [manager] = regexManagers(config);
const VERSIONS = "generators/fleet/versions.ts";
const versionsText = readFileSync(join(REPO_ROOT, VERSIONS), "utf8");

let pins: Pin[];
beforeAll(() => {
  pins = repositoryPins(REPO_ROOT);
});

describe("when Renovate reads generators/fleet/versions.ts", () => {
  it("should have one regex manager reading it", () => {
    expect(manager?.files.some((p) => p.test(VERSIONS))).toBe(true);
  });

  it("should find a pin for every version literal in it", () => {
    expect(versionLiterals(versionsText).length).toBeGreaterThan(5);
    expect(uncoveredVersions(manager!, VERSIONS, versionsText)).toEqual([]);
  });

  it("should find the Kubernetes version, the Argo CD module and a chart with their sources", () => {
    const found = (depName: string): Pin | undefined => pins.find((p) => p.file === VERSIONS && p.depName === depName);
    expect(found("k8s.io/kubernetes")).toMatchObject({ datasource: "go", currentValue: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(found("github.com/argoproj/argo-cd/v3")).toMatchObject({ datasource: "go", currentValue: expect.stringMatching(/^v\d/) });
    expect(found("ingress-nginx")).toMatchObject({ datasource: "helm" });
  });

  it("should report a pin whose comment is missing, naming its line", () => {
    const lines = versionsText.split("\n");
    const comment = lines.findIndex((l) => l.includes("depName=ingress-nginx"));
    const stripped = [...lines.slice(0, comment), ...lines.slice(comment + 1)].join("\n");
    expect(uncoveredVersions(manager!, VERSIONS, stripped)).toEqual([{ line: comment + 1, value: expect.stringMatching(/^\d+\.\d+\.\d+$/) }]);
  });
});

describe("when Renovate reads the apps", () => {
  /** Every image rendered into an app's directory, by app. */
  let images: Map<string, Set<string>>;
  beforeAll(async () => {
    images = new Map();
    for (const [path, text] of await readTree(CLUSTERS_DIR)) {
      const app = /^[^/]+\/apps\/([^/]+)\//.exec(path)?.[1];
      if (!app) continue;
      for (const template of podTemplates(clusterOf("any", parseDocuments(path, text)))) {
        for (const { container } of containersOf(template)) {
          const set = images.get(app) ?? new Set<string>();
          set.add(container.image as string);
          images.set(app, set);
        }
      }
    }
  });

  it("should find every app's images", () => {
    expect([...images.keys()].sort()).toEqual(["iot-anomaly-detection", "iot-edge-anomaly", "iot-telemetry", "kades", "pynomaly"]);
  });

  it("should cover every image's tag with a docker pin in the app's spec", () => {
    const uncovered: string[] = [];
    for (const [app, refs] of images) {
      const file = `apps/${app}/index.ts`;
      const repoOf = (ref: string): [string, string] => {
        const at = ref.lastIndexOf(":");
        return [ref.slice(0, at).replace(/^docker\.io\//, "").replace(/^library\//, ""), ref.slice(at + 1)];
      };
      const appImages = [...refs].map(repoOf);
      for (const [repository, tag] of appImages) {
        // A pin covers a tag when it is that tag or a tier's variant of it (`v1.0.0-dev`), and names this image or
        // one released under the same version (the KADES images share one version, tracked through kades/api).
        const covered = pins.some(
          (p) =>
            p.file === file &&
            p.datasource === "docker" &&
            (tag === p.currentValue || tag.startsWith(`${p.currentValue}-`)) &&
            (p.depName === repository || appImages.some(([r, t]) => r === p.depName && t === tag)),
        );
        if (!covered) uncovered.push(`${app}: ${repository}:${tag}`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it("should not count an image whose pin comment is gone", () => {
    const file = "apps/pynomaly/index.ts";
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    const without = text.replace(/^ *\/\/ renovate: .*depName=pynomaly\/detection.*\n/m, "");
    expect(without).not.toBe(text);
    expect(extractPins(manager!, file, text).map((p) => p.depName)).toContain("pynomaly/detection");
    expect(extractPins(manager!, file, without).map((p) => p.depName)).not.toContain("pynomaly/detection");
  });
});

describe("when Renovate reads the test suite's tool pins", () => {
  it("should find kubeconform, actionlint and the validator itself", () => {
    expect(pins.map((p) => `${p.datasource} ${p.depName}`)).toEqual(
      expect.arrayContaining(["go github.com/yannh/kubeconform", "go github.com/rhysd/actionlint", "npm renovate"]),
    );
  });
});

describe("when Renovate looks at generated files", () => {
  it("should leave clusters/ and docs/runbooks/ to npm run generate", () => {
    expect(config.ignorePaths).toEqual(expect.arrayContaining(["clusters/**", "docs/runbooks/**"]));
    for (const m of ["argocd", "kubernetes", "helm-values"]) expect(config[m], m).toEqual({ enabled: false });
    expect(pins.filter((p) => p.file.startsWith("clusters/"))).toEqual([]);
    const regenerate = config.packageRules.find((r: { postUpgradeTasks?: unknown }) => r.postUpgradeTasks);
    expect(regenerate.postUpgradeTasks.commands).toContain("npm run generate");
    expect(regenerate.postUpgradeTasks.fileFilters).toEqual(["clusters/**", "docs/runbooks/**"]);
  });
});
