import { describe, expect, it } from "vitest";
import { sourceOf } from "./objects.js";
import type { RenderedDocument } from "./types.js";

function doc(file: string, partOf?: string): RenderedDocument {
  const labels = partOf ? { "app.kubernetes.io/part-of": partOf } : undefined;
  return { file, index: 0, object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", ...(labels ? { labels } : {}) } } };
}

describe("when naming where an object comes from", () => {
  it("should take the app from an apps/<app>/ path", () => {
    expect(sourceOf(doc("clusters/prod/apps/kades/configmap-x.yaml"))).toBe("apps/kades");
  });

  it("should take the app from its part-of label when the file is elsewhere", () => {
    expect(sourceOf(doc("fixtures/good.yaml", "pynomaly"))).toBe("apps/pynomaly");
  });

  it("should name the generators for a platform object, whatever its part-of label", () => {
    expect(sourceOf(doc("clusters/prod/argocd/application-kades.yaml", "argocd"))).toBe("generators/");
    expect(sourceOf(doc("clusters/prod/platform/grafana/configmap-x.yaml", "platform"))).toBe("generators/");
  });
});
