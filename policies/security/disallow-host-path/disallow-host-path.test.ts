import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { diagnosticsOf, fixtureTree, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictedVolumeTypes } from "../restricted-volume-types/restricted-volume-types.js";
import { disallowHostPath } from "./disallow-host-path.js";

const dir = import.meta.dirname;
const policy = disallowHostPath;

describeFixtures(policy, dir);

describe("when a pod mounts a hostPath volume", () => {
  it("should report the volume and name the node path", async () => {
    const [diagnostic] = await diagnosticsOf(policy, fixtureTree(dir, "bad-01.yaml"));
    expect(diagnostic?.path).toBe("spec.jobTemplate.spec.template.spec.volumes[0].hostPath");
    expect(diagnostic?.problem).toContain('"/var/backups"');
    expect(diagnostic?.fix).toContain("`claim` (declared under `claims`)");
  });

  it("should be the only security policy to report it, so one volume gives one diagnostic", async () => {
    expect(await diagnosticsOf(restrictedVolumeTypes, fixtureTree(dir, "bad-01.yaml"))).toEqual([]);
  });
});

describe("when a pod mounts no hostPath volume", () => {
  it("should accept a pod without volumes", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      delete podSpec(c!).volumes;
    });
    expect(await diagnosticsOf(policy, tree)).toEqual([]);
  });
});

describe("when a hostPath volume is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/cronjob-db-backup.yaml", (o) => {
      podSpec(o).volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } });
    });
    expect(rules).toContain("security/disallow-host-path");
  });
});
