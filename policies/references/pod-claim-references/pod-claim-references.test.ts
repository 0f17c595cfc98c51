import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import { podClaimReferences } from "./pod-claim-references.js";

describeFixtures(podClaimReferences, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a pod names a claim a StatefulSet creates", () => {
  it("should know the claims of every ordinal, and no more", async () => {
    expect(await checkFixture(podClaimReferences, fixture("good-claims.yaml"))).toEqual([]);
    const [found] = await checkFixture(podClaimReferences, fixture("bad-03.yaml"));
    expect(found?.problem).toContain("there: backup-pvc, data-timescaledb-0, data-timescaledb-1");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(podClaimReferences, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a claim of prod is deleted", async () => {
    const tree = injected("prod", "/pynomaly/persistentvolumeclaim-pynomaly-models.yaml", () => []);
    const found = await runPolicy(podClaimReferences, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource])).toEqual([
      ["references/pod-claim-references", "clusters/prod/apps/pynomaly/deployment-pynomaly-detection.yaml", "Deployment/pynomaly-detection"],
      ["references/pod-claim-references", "clusters/prod/apps/pynomaly/deployment-pynomaly-worker.yaml", "Deployment/pynomaly-worker"],
    ]);
    expect(found[0]?.path).toMatch(/^spec\.template\.spec\.volumes\[\d+\]\.persistentVolumeClaim\.claimName$/);
    expect(found[0]?.problem).toContain("the scheduler never places the pod, so it stays Pending");
    expect(found[0]?.fix).toContain("`claims` and `volumes` of component pynomaly-detection in apps/pynomaly");
  });
});
