import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { podSecretReferences } from "./pod-secret-references.js";

describeFixtures(podSecretReferences, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when an ExternalSecret's keys cannot be known from the tree (dataFrom, templateFrom)", () => {
  it("should accept any key of its Secret", async () => {
    expect(await checkFixture(podSecretReferences, fixture("good-secrets.yaml"))).toEqual([]);
  });
});

describe("when the Secret is a cert-manager certificate", () => {
  it("should know the keys cert-manager writes", async () => {
    const found = await checkFixture(podSecretReferences, fixture("bad-06.yaml"));
    expect(found[0]?.problem).toContain("Secret/kades-api-tls (from cert-manager (certificate of Ingress/kades-api)) holds only ca.crt, tls.crt, tls.key");
  });
});

describe("when an ExternalSecret no longer creates the Secret", () => {
  it("should report every reader of it, envFrom included", async () => {
    const found = await checkFixture(podSecretReferences, fixture("bad-03.yaml"));
    expect(found.map((d) => d.path)).toEqual([
      "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name",
      "spec.template.spec.containers[0].envFrom[0].secretRef.name",
    ]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(podSecretReferences, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when prod's MongoDB credentials lose their ExternalSecret", async () => {
    const tree = injected("prod", "/iot-telemetry/externalsecret-mongodb-auth.yaml", () => []);
    const found = await runPolicy(podSecretReferences, tree);
    expect(new Set(found.map((d) => d.rule))).toEqual(new Set(["references/pod-secret-references"]));
    expect(found.map((d) => d.resource)).toContain("StatefulSet/mongodb");
    const mongodb = found.find((d) => d.resource === "StatefulSet/mongodb");
    expect(mongodb?.file).toBe("clusters/prod/apps/iot-telemetry/statefulset-mongodb.yaml");
    expect(mongodb?.path).toMatch(/^spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.name$/);
    expect(mongodb?.fix).toContain("`secrets` (each renders an ExternalSecret that creates the Secret) and `env` of component mongodb in apps/iot-telemetry");
  });

  it("should name the key when an ExternalSecret of prod stops writing one a pod reads", async () => {
    const tree = injected("prod", "/kades/externalsecret-kades-secrets.yaml", (o) => {
      o.spec.data = o.spec.data.filter((d: { secretKey: string }) => d.secretKey !== "jwt-secret");
      return o as KubeObject;
    });
    const found = await runPolicy(podSecretReferences, tree);
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Deployment/kades-api", "spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef.key"]]);
  });
});
