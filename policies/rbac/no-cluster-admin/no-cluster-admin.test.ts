import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, describeFixtures, runAll, withAdded } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { noClusterAdmin } from "./no-cluster-admin.js";

describeFixtures(noClusterAdmin, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;
const binding = (kind: "RoleBinding" | "ClusterRoleBinding", role: string, subject: object, namespace?: string): KubeObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind,
  metadata: { name: "granted", ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: [subject],
});

describe("when deciding whether a binding is for an app", () => {
  it("should accept platform identities bound to the built-in roles", async () => {
    expect(await checkFixture(noClusterAdmin, fixture("good-platform.yaml"))).toEqual([]);
  });

  it.each([
    ["a ServiceAccount in an app namespace", "bad-03.yaml", "ServiceAccount kades/argocd-application-controller (subjects[0])"],
    ["every ServiceAccount", "bad-04.yaml", "Group system:serviceaccounts (every ServiceAccount of the cluster, apps included) (subjects[0])"],
    ["an app ServiceAccount named as a User", "bad-07.yaml", "User system:serviceaccount:iot:ingestion-api (ServiceAccount iot/ingestion-api) (subjects[0])"],
  ])("should refuse cluster-admin for %s", async (_, name, who) => {
    const [found] = await checkFixture(noClusterAdmin, fixture(name));
    expect(found?.problem).toContain(who);
  });

  it("should refuse a platform binding placed in an app namespace", async () => {
    const [found] = await checkFixture(noClusterAdmin, fixture("bad-06.yaml"));
    expect(found?.problem).toContain("in app namespace kades to ServiceAccount argocd/argocd-server (subjects[0])");
  });

  it.each(["cluster-admin", "admin", "edit"])("should refuse %s for an app ServiceAccount", async (role) => {
    const tree = withAdded("staging", "apps/kades/rolebinding-granted.yaml", [binding("RoleBinding", role, { kind: "ServiceAccount", name: "kades-api" }, "kades")]);
    const found = await runPolicy(noClusterAdmin, tree);
    expect(found.map((d) => d.summary)).toEqual([`app is granted the ${role} ClusterRole`]);
  });

  it.each(["view", "system:aggregate-to-view"])("should leave %s alone", async (role) => {
    const tree = withAdded("staging", "apps/kades/rolebinding-granted.yaml", [binding("RoleBinding", role, { kind: "ServiceAccount", name: "kades-api" }, "kades")]);
    expect(await runPolicy(noClusterAdmin, tree)).toEqual([]);
  });
});

describe("when cluster-admin is added to the committed prod tree for an app", () => {
  it("should name the rule, the subject and the app spec to declare access in", async () => {
    const tree = withAdded("prod", "bootstrap/clusterrolebinding-kades-api.yaml", [
      binding("ClusterRoleBinding", "cluster-admin", { kind: "ServiceAccount", name: "kades-api", namespace: "kades" }),
    ]);
    const found = (await runAll(tree)).filter((d) => d.rule === "rbac/no-cluster-admin");
    expect(found).toHaveLength(1);
    expect(found[0]?.problem).toContain("ServiceAccount kades/kades-api");
    expect(found[0]?.fix).toContain("`apiAccess` in apps/kades");
  });
});
