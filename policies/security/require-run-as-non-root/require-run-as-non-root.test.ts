import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { atKubernetes, diagnosticsOf, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { requireRunAsNonRoot } from "./require-run-as-non-root.js";

const dir = import.meta.dirname;
const policy = requireRunAsNonRoot;

describeFixtures(policy, dir);

describe("when neither the pod nor a container sets runAsNonRoot", () => {
  it("should report the pod once, naming the containers, in Pod Security's words", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).securityContext.runAsNonRoot;
      delete podSpec(s!).initContainers[0].securityContext.runAsNonRoot;
    });
    const diagnostics = await diagnosticsOf(policy, tree);
    expect(diagnostics.map((d) => d.path)).toEqual(["spec.template.spec.securityContext.runAsNonRoot"]);
    expect(diagnostics[0]?.problem).toContain('init container "clone-replica"');
    expect(diagnostics[0]?.problem).not.toContain('container "timescaledb"');
    expect(diagnostics[0]?.problem).toContain("Containers must be required to run as non-root users");
  });

  it("should accept it when every container sets true", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).securityContext.runAsNonRoot;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when the pod is in a user namespace", () => {
  it("should not exempt it before v1.35", async () => {
    expect(await pathsFound(policy, atKubernetes(fixtureTree(dir, "good-user-namespace.yaml"), "1.34.2"))).toEqual([
      "spec.template.spec.securityContext.runAsNonRoot",
    ]);
  });

  it("should exempt it from v1.35, even with runAsNonRoot: false", async () => {
    const tree = fixtureTree(dir, "good-user-namespace.yaml", ([s]) => {
      podSpec(s!).securityContext.runAsNonRoot = false;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when runAsNonRoot: false is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      podSpec(o).containers[0].securityContext.runAsNonRoot = false;
    });
    expect(rules).toContain("security/require-run-as-non-root");
  });
});
