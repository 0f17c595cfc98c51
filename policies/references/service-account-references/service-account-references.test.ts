import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import { serviceAccountReferences } from "./service-account-references.js";

describeFixtures(serviceAccountReferences, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when the deprecated serviceAccount field names the account", () => {
  it("should judge it at that field", async () => {
    const found = await checkFixture(serviceAccountReferences, fixture("bad-02.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.jobTemplate.spec.template.spec.serviceAccount"]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(serviceAccountReferences, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a ServiceAccount of prod is deleted", async () => {
    const tree = injected("prod", "/iot-telemetry/serviceaccount-kafka.yaml", () => []);
    const found = await runPolicy(serviceAccountReferences, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/service-account-references", "clusters/prod/apps/iot-telemetry/statefulset-kafka.yaml", "StatefulSet/kafka", "spec.template.spec.serviceAccountName"],
    ]);
    expect(found[0]?.problem).toContain("the API server refuses to create the pod");
    expect(found[0]?.fix).toContain("`serviceAccountName` of component kafka in apps/iot-telemetry");
  });
});
