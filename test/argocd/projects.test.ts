import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, prod } from "../../generators/fleet/clusters.js";
import { applications, copy, type Doc, IN_CLUSTER, ofCluster, projectProblems, sourcesOf } from "./checks.js";
import { committedTree, docAt, replaced } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

const KADES = "prod/argocd/appproject-kades.yaml";

function breakProject(change: (spec: Record<string, unknown[]>) => void): string[] {
  const project = copy(docAt(docs, KADES).object);
  change(project.spec);
  return projectProblems(replaced(docs, KADES, project), prod);
}

describe("when reading the AppProject of every app", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should give each app of %s least privilege and use no wildcard", (_, profile) => {
    expect(projectProblems(docs, profile)).toEqual([]);
  });
});

describe("when a project admits another source repository", () => {
  it("should report it", () => {
    expect(breakProject((s) => s.sourceRepos?.push("https://github.com/someone/else.git"))).toContainEqual(expect.stringMatching(/^prod\/argocd\/appproject-kades\.yaml: sourceRepos .* not only https:\/\//));
  });
});

describe("when a project uses a wildcard", () => {
  it("should report the wildcard", () => {
    expect(breakProject((s) => (s.sourceRepos = ["*"]))).toContain(`${KADES}: uses a wildcard`);
  });
});

describe("when a project admits another namespace", () => {
  it("should report the destinations", () => {
    expect(breakProject((s) => s.destinations?.push({ server: IN_CLUSTER, namespace: "kube-system" }))).toContainEqual(expect.stringContaining(`${KADES}: destinations`));
  });
});

describe("when a project admits every Namespace instead of its own", () => {
  it("should report the cluster-scoped kinds", () => {
    expect(breakProject((s) => (s.clusterResourceWhitelist = [{ group: "", kind: "Namespace" }]))).toContain(
      `${KADES}: cluster-scoped kinds /Namespace/(any), not only Namespace kades`,
    );
  });
});

describe("when a project admits a kind the app does not render", () => {
  it("should report the extra kind", () => {
    expect(breakProject((s) => s.namespaceResourceWhitelist?.push({ group: "", kind: "Secret" }))).toContain(`${KADES}: admits /Secret, which the app does not render`);
  });
});

describe("when a project misses a kind the app renders", () => {
  it("should report the missing kind", () => {
    const problems = breakProject((s) => (s.namespaceResourceWhitelist = (s.namespaceResourceWhitelist ?? []).filter((k) => (k as { kind: string }).kind !== "CronJob")));
    expect(problems).toContain(`${KADES}: does not admit batch/CronJob, which the app renders`);
  });
});

describe("when two apps share a project", () => {
  it("should report the shared project", () => {
    const path = "prod/argocd/application-pynomaly.yaml";
    const app = copy(docAt(docs, path).object);
    app.spec.project = "kades";
    expect(projectProblems(replaced(docs, path, app), prod)).toContainEqual(expect.stringContaining(`${KADES}: shared by`));
  });
});

describe("when reading the platform and root projects", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should admit exactly the repositories and namespaces the Applications of %s use", (_, profile) => {
    const mine = ofCluster(docs, profile.name);
    for (const name of ["platform", "default"]) {
      const project = mine.find((d) => d.object.kind === "AppProject" && d.object.metadata.name === name)?.object;
      const users = applications(mine).filter((a) => a.object.spec.project === name);
      expect(users.length, `${profile.name}: Applications of project ${name}`).toBeGreaterThan(0);
      const repos = [...new Set(users.flatMap((a) => sourcesOf(a.object).map((s) => s.repoURL as string)))].sort();
      const namespaces = [...new Set(users.map((a) => a.object.spec.destination.namespace as string))].sort();
      expect([...project.spec.sourceRepos].sort(), `${profile.name}/${name} sourceRepos`).toEqual(repos);
      expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace).sort(), `${profile.name}/${name} destinations`).toEqual(namespaces);
      expect(JSON.stringify(project.spec), `${profile.name}/${name}`).not.toContain("*");
    }
  });

  it("should let the root create only Argo CD's own CRDs", () => {
    const root = docAt(docs, "prod/argocd/appproject-default.yaml").object;
    const crds = root.spec.clusterResourceWhitelist.filter((k: { kind: string }) => k.kind === "CustomResourceDefinition").map((k: { name: string }) => k.name);
    expect(crds.sort()).toEqual(["applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io"]);
  });

  it("should let the platform create only its own Namespaces, ClusterIssuer and ClusterSecretStore by name", () => {
    const platform = docAt(docs, "prod/argocd/appproject-platform.yaml").object;
    const named = (kind: string): string[] => platform.spec.clusterResourceWhitelist.filter((k: { kind: string }) => k.kind === kind).map((k: { name?: string }) => k.name ?? "(any)");
    expect(named("Namespace").sort()).toEqual(["cert-manager", "external-secrets", "ingress-nginx", "monitoring"]);
    expect(named("ClusterIssuer")).toEqual([prod.clusterIssuer]);
    expect(named("ClusterSecretStore")).toEqual([prod.secretStore]);
  });
});
