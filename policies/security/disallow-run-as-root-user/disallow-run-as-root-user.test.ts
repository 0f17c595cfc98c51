import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { atKubernetes, diagnosticsOf, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowRunAsRootUser } from "./disallow-run-as-root-user.js";

const dir = import.meta.dirname;
const policy = disallowRunAsRootUser;

describeFixtures(policy, dir);

describe("when runAsUser is 0", () => {
  it("should point a pod-level UID at the component's runAsUser and a container's at security.runAsUser", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).securityContext.runAsUser = 0;
      podSpec(s!).containers[0].securityContext.runAsUser = 0;
    });
    const diagnostics = await diagnosticsOf(policy, tree);
    expect(diagnostics.map((d) => d.path)).toEqual([
      "spec.template.spec.securityContext.runAsUser",
      "spec.template.spec.containers[0].securityContext.runAsUser",
    ]);
    expect(diagnostics[0]?.fix).toMatch(/^in apps\/kades \(component timescaledb\): set `runAsUser` to a non-zero UID/);
    expect(diagnostics[1]?.fix).toMatch(/^in apps\/kades \(component timescaledb, container "timescaledb"\): set `security.runAsUser`/);
  });

  it("should accept a non-zero UID and an unset one", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).containers[0].securityContext.runAsUser = 1;
      delete podSpec(s!).securityContext.runAsUser;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when the pod is in a user namespace", () => {
  it.each([
    ["1.34.0", ["spec.template.spec.securityContext.runAsUser"]],
    ["1.35.0", []],
  ])("should judge UID 0 at v%s as %j (exempt from v1.35)", async (version, expected) => {
    expect(await pathsFound(policy, atKubernetes(fixtureTree(dir, "good-user-namespace.yaml"), version))).toEqual(expected);
  });
});

describe("when UID 0 is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/cronjob-db-backup.yaml", (o) => {
      podSpec(o).securityContext.runAsUser = 0;
    });
    expect(rules).toContain("security/disallow-run-as-root-user");
  });
});
