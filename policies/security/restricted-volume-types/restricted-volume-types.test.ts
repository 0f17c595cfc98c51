import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { ALLOWED_VOLUME_SOURCES, restrictedVolumeTypes } from "./restricted-volume-types.js";

const dir = import.meta.dirname;
const policy = restrictedVolumeTypes;

describeFixtures(policy, dir);

describe("when a pod uses volume sources outside the allowed list", () => {
  it.each([["awsElasticBlockStore"], ["azureFile"], ["flexVolume"], ["iscsi"], ["rbd"], ["portworxVolume"]])("should report %s", async (source) => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      podSpec(c!).volumes[1] = { name: "tmp", [source]: {} };
    });
    expect(await pathsFound(policy, tree)).toEqual([`spec.jobTemplate.spec.template.spec.volumes[1].${source}`]);
  });

  it("should report a volume that names no source", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      podSpec(c!).volumes[1] = { name: "tmp" };
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.jobTemplate.spec.template.spec.volumes[1]"]);
  });
});

describe("when a pod uses only allowed sources", () => {
  it("should accept one volume of every allowed source", async () => {
    const tree = fixtureTree(dir, "good-every-allowed-source.yaml");
    const sources = podSpec(tree.documents[0]!.object).volumes.map((v: Record<string, unknown>) => Object.keys(v).find((k) => k !== "name"));
    expect(sources).toEqual([...ALLOWED_VOLUME_SOURCES]);
    expect(await pathsFound(policy, tree)).toEqual([]);
  });

  it("should leave hostPath to security/disallow-host-path", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      podSpec(c!).volumes[1] = { name: "tmp", hostPath: { path: "/tmp" } };
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when an nfs volume is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/cronjob-db-backup.yaml", (o) => {
      podSpec(o).volumes[0] = { name: "backup-volume", nfs: { server: "nas.kades.internal", path: "/exports/backups" } };
    });
    expect(rules).toContain("security/restricted-volume-types");
  });
});
