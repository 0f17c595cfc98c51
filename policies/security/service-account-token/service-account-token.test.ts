import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { diagnosticsOf, fixtureTree, pathsFound, podSpec, rulesAfterInjecting, type Editable } from "../lib/testing.js";
import { serviceAccountToken } from "./service-account-token.js";

const dir = import.meta.dirname;
const policy = serviceAccountToken;
const DEPLOYMENT_TOKEN = "spec.template.spec.automountServiceAccountToken";

function byKind(objects: Editable[], kind: string): Editable {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in the fixture`);
  return found;
}

describeFixtures(policy, dir);

describe("when a pod mounts a token", () => {
  /** The fixture with its RoleBinding turned into a ClusterRoleBinding to the built-in `view`. */
  function clusterWide(subjectNamespace: boolean): ReturnType<typeof fixtureTree> {
    return fixtureTree(dir, "good-api-access.yaml", (objects) => {
      const binding = byKind(objects, "RoleBinding");
      Object.assign(binding, { kind: "ClusterRoleBinding", roleRef: { kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" } });
      delete binding.metadata.namespace;
      if (!subjectNamespace) delete binding.subjects[0].namespace;
    });
  }

  it("should accept a ClusterRoleBinding to a ClusterRole the cluster provides", async () => {
    expect(await pathsFound(policy, clusterWide(true))).toEqual([]);
  });

  it("should reject a ClusterRoleBinding whose subject has no namespace", async () => {
    expect(await pathsFound(policy, clusterWide(false))).toEqual([DEPLOYMENT_TOKEN]);
  });

  it("should accept a RoleBinding subject without namespace, which means the binding's own", async () => {
    const tree = fixtureTree(dir, "good-api-access.yaml", (objects) => {
      delete byKind(objects, "RoleBinding").subjects[0].namespace;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });

  it("should reject a binding to a Role without rules, and say so", async () => {
    const tree = fixtureTree(dir, "good-api-access.yaml", (objects) => {
      byKind(objects, "Role").rules = [];
    });
    const diagnostics = await diagnosticsOf(policy, tree);
    expect(diagnostics.map((d) => d.path)).toEqual([DEPLOYMENT_TOKEN]);
    expect(diagnostics[0]?.problem).toContain("RoleBinding/iot-edge-anomaly binds it to Role/iot-edge-anomaly, which has no rules");
  });

  it("should reject a binding to a ClusterRole of the tree without rules", async () => {
    const tree = fixtureTree(dir, "good-api-access.yaml", (objects) => {
      Object.assign(byKind(objects, "Role"), { kind: "ClusterRole", rules: [] });
      byKind(objects, "RoleBinding").roleRef.kind = "ClusterRole";
    });
    expect(await pathsFound(policy, tree)).toEqual([DEPLOYMENT_TOKEN]);
  });

  it("should point the fix at apiAccess", async () => {
    const [diagnostic] = await diagnosticsOf(policy, fixtureTree(dir, "bad-01.yaml"));
    expect(diagnostic?.fix).toContain("`apiAccess`");
    expect(diagnostic?.fix).toContain("apps/kades (component db-backup)");
  });
});

describe("when no pod mounts a token", () => {
  it("should accept a pod that opts out although its ServiceAccount does not", async () => {
    const tree = fixtureTree(dir, "good-no-token.yaml", (objects) => {
      delete byKind(objects, "ServiceAccount").automountServiceAccountToken;
      byKind(objects, "ServiceAccount").metadata.name = "other";
    });
    expect(await pathsFound(policy, tree)).toEqual(["automountServiceAccountToken"]);
    expect((await diagnosticsOf(policy, tree)).map((d) => d.severity)).toEqual(["Warning"]);
  });

  it("should accept a pod in another namespace than a same-named ServiceAccount only if the pod opts out", async () => {
    const tree = fixtureTree(dir, "good-account-default.yaml", (objects) => {
      byKind(objects, "CronJob").metadata.namespace = "kades-jobs";
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.jobTemplate.spec.template.spec.automountServiceAccountToken"]);
    const optedOut = fixtureTree(dir, "good-account-default.yaml", (objects) => {
      byKind(objects, "CronJob").metadata.namespace = "kades-jobs";
      podSpec(byKind(objects, "CronJob")).automountServiceAccountToken = false;
    });
    expect(await pathsFound(policy, optedOut)).toEqual([]);
  });
});

describe("when a token without a role is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      podSpec(o).automountServiceAccountToken = true;
    });
    expect(rules).toContain("security/service-account-token");
  });

  it("should name the rule when a RoleBinding that a mounted token relies on is removed", async () => {
    const rules = await rulesAfterInjecting("/iot-edge-anomaly/rolebinding-iot-edge-anomaly.yaml", (o) => {
      o.subjects = [];
    });
    expect(rules).toContain("security/service-account-token");
  });
});
