import { describe, expect, it } from "vitest";
import { describeFixtures, injected, runAll } from "../../lib/testing.js";
import { noSecretData } from "./no-secret-data.js";

describeFixtures(noSecretData, import.meta.dirname);

describe("when a Secret with data is added to the committed prod tree", () => {
  it("should name the rule", async () => {
    const tree = injected("prod", "/kades/externalsecret-kades-secrets.yaml", () => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "kades-secrets", namespace: "kades" },
      data: { "jwt-secret": "c2VjcmV0" },
    }));
    const rules = (await runAll(tree)).map((d) => d.rule);
    expect(rules).toContain("secrets/no-secret-data");
  });
});
