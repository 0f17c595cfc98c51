import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { describeFixtures, injected, loadFixture, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { parseImageReference } from "../reference.js";
import { ALLOWED_REGISTRIES, allowedRegistries } from "./allowed-registries.js";

describeFixtures(allowedRegistries, import.meta.dirname);

describe("when an image does not parse", () => {
  it("should leave it to images/pinned-images", async () => {
    const tree = loadFixture(`${import.meta.dirname}/../pinned-images/fixtures/bad-05.yaml`);
    expect(await allowedRegistries.check(tree)).toEqual([]);
  });
});

describe("when reading the allow-list", () => {
  it("should give a reason for every registry", () => {
    for (const [registry, reason] of Object.entries(ALLOWED_REGISTRIES)) {
      expect(registry).toMatch(/^[a-z0-9.-]+$/);
      expect(reason.length, registry).toBeGreaterThan(20);
    }
  });

  it("should list hosts in the normalised form references are compared in", () => {
    for (const registry of Object.keys(ALLOWED_REGISTRIES)) expect(parseImageReference(`${registry}/team/app:1.0.0`).registry).toBe(registry);
  });
});

describe("when a committed prod image is moved to another registry", () => {
  it("should name the rule, the registry and the container", async () => {
    const tree = injected("prod", "/iot-edge-anomaly/deployment-iot-edge-anomaly.yaml", (o) => {
      const sidecar = o.spec.template.spec.containers[1];
      sidecar.image = String(sidecar.image).replace("docker.io/", "mirror.internal.example:5000/");
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "images/allowed-registries");
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe("spec.template.spec.containers[1].image");
    expect(found[0]?.problem).toContain("from registry mirror.internal.example:5000");
  });

  it("should accept the same image written as Docker Hub's legacy host", async () => {
    const tree = injected("prod", "/iot-edge-anomaly/deployment-iot-edge-anomaly.yaml", (o) => {
      const sidecar = o.spec.template.spec.containers[1];
      sidecar.image = String(sidecar.image).replace("docker.io/", "index.docker.io/");
      return o as KubeObject;
    });
    expect(await runPolicy(allowedRegistries, tree)).toEqual([]);
  });
});
