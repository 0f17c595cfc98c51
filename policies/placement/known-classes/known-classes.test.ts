import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { knownClasses } from "./known-classes.js";

describeFixtures(knownClasses, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when the profile names other classes", () => {
  it("should reject prod's fast-ssd on dev, whose profile maps every role to standard", async () => {
    expect((await checkFixture(knownClasses, fixture("good-profile-classes.yaml"), "dev")).map((d) => d.path)).toEqual(["spec.volumeClaimTemplates[0].spec.storageClassName"]);
  });

  it("should judge only PriorityClasses on a cluster without a profile", async () => {
    expect(await checkFixture(knownClasses, fixture("bad-01.yaml"), "nowhere")).toEqual([]);
    expect(await checkFixture(knownClasses, fixture("bad-05.yaml"), "nowhere")).toHaveLength(1);
  });
});

describe("when the committed prod tree's claim names a class the cluster lacks", () => {
  it("should name the claim, the field and the profile's classes", async () => {
    const tree = injected("prod", "apps/kades/persistentvolumeclaim-backup-pvc.yaml", (o) => {
      o.spec.storageClassName = "premium";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "placement/known-classes");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["PersistentVolumeClaim/backup-pvc", "spec.storageClassName"]]);
    expect(found[0]?.problem).toContain("(it has fast-ssd, standard)");
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  const cluster = committedCluster(name);

  it("should find nothing", async () => {
    expect(await runPolicy(knownClasses, cluster)).toEqual([]);
  });
});
