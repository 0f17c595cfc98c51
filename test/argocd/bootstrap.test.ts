// The README's bootstrap guide, checked against the committed files it tells
// an operator to use: every command names files, versions and values that the
// rendered root Application and platform actually carry.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import { REPO_ROOT } from "../support/committed.js";
import { applications, type Doc, type Json, ofCluster, sourcesOf, wave } from "./checks.js";
import { committedTree, docAt } from "./tree.js";

let docs: Doc[] = [];
let readme = "";
let guide = "";
beforeAll(async () => {
  docs = await committedTree();
  readme = await readFile(join(REPO_ROOT, "README.md"), "utf8");
  guide = section(readme, "Bootstrap a cluster");
});

function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

function root(cluster: string): Json {
  return docAt(docs, `${cluster}/bootstrap/application-root.yaml`).object;
}

/** The root's source of Argo CD's own manifests. */
function upstream(cluster: string): Json {
  return sourcesOf(root(cluster)).find((s) => s.repoURL === "https://github.com/argoproj/argo-cd.git");
}

describe("when following the README's bootstrap guide", () => {
  it.each(CLUSTERS.map((c) => [c.name] as const))("should apply a root Application that exists for %s", (cluster) => {
    const match = /kubectl apply --server-side -f (clusters\/\$CLUSTER\/bootstrap\/[a-z-]+\.yaml)/.exec(guide);
    expect(match, "the guide applies a file under clusters/$CLUSTER/bootstrap/").not.toBeNull();
    const path = (match?.[1] as string).replace("clusters/$CLUSTER/", `${cluster}/`);
    const object = docAt(docs, path).object;
    expect([object.kind, object.metadata.name, object.metadata.namespace]).toEqual(["Application", "root", "argocd"]);
  });

  it.each(CLUSTERS.map((c) => [c.name] as const))("should install on %s the Argo CD release and variant its root keeps in sync", (cluster) => {
    const source = upstream(cluster);
    const variant = String(source.path).replace(/\/cluster-install$/, "/install.yaml");
    const url = /https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-cd\/([^/\s]+)\/manifests\/install\.yaml/.exec(guide);
    expect(url?.[1], "the release in the install URL").toBe(source.targetRevision);
    if (variant === "manifests/install.yaml") return;
    // The guide names the clusters that install another variant.
    expect(guide).toContain(`${cluster}: \`${variant}\``);
  });

  it("should name only the HA clusters as installing the HA variant", () => {
    const ha = CLUSTERS.filter((c) => String(upstream(c.name).path).startsWith("manifests/ha/")).map((c) => c.name);
    const named = [...guide.matchAll(/(\w+): `manifests\/ha\/install\.yaml`/g)].map((m) => m[1]);
    expect(named).toEqual(ha);
  });

  it("should patch Argo CD's pods exactly as the root of each tainted cluster does, and no other", () => {
    const patch = /kubectl -n argocd patch "\$workload" --type json \\\n\s+-p '([^']+)'/.exec(guide);
    expect(patch, "the guide's patch command").not.toBeNull();
    const readmePatch = JSON.parse(patch?.[1] as string);
    const patched = CLUSTERS.filter((c) => {
      const patches: Json[] = upstream(c.name).kustomize.patches;
      const workloads = patches.filter((p) => ["Deployment", "StatefulSet"].includes(p.target.kind));
      for (const p of workloads) expect(JSON.parse(p.patch), `${c.name} ${p.target.kind}`).toEqual(readmePatch);
      return workloads.length > 0;
    }).map((c) => c.name);
    expect(patched).toEqual(["edge"]);
    expect(guide).toContain("Edge only:");
  });

  it("should merge the Application health check into argocd-cm from the root, in wave 0, before any child Application", () => {
    for (const c of CLUSTERS) {
      const settings = upstream(c.name).kustomize.patches.find((p: Json) => p.target.kind === "ConfigMap" && p.target.name === "argocd-cm");
      expect(settings?.patch, c.name).toContain("resource.customizations.health.argoproj.io_Application");
      const children = applications(ofCluster(docs, c.name)).filter((a) => a.path.includes("/argocd/"));
      expect(Math.min(...children.map((a) => wave(a.object))), c.name).toBeGreaterThan(0);
    }
  });

  it.each(CLUSTERS.filter((c) => c.secretBackend.provider === "vault").map((c) => [c.name] as const))(
    "should list with its grep command every remote key %s reads, and set up the Vault role its store logs in with",
    (cluster) => {
      const grep = /grep -rhoE "([^"]+)" clusters\/\$CLUSTER/.exec(guide);
      expect(grep, "the guide's grep command").not.toBeNull();
      const pattern = new RegExp(grep?.[1] as string, "g");
      const files = ofCluster(docs, cluster).map((d) => d.path);
      return Promise.all(files.map((f) => readFile(join(REPO_ROOT, "clusters", f), "utf8"))).then((texts) => {
        // grep matches line by line.
        const lines = texts.flatMap((t) => t.split("\n"));
        const listed = new Set(lines.flatMap((line) => [...line.matchAll(pattern)].map((m) => m[0].replace(/^key: /, ""))));
        const read = new Set(
          ofCluster(docs, cluster)
            .filter((d) => d.object.kind === "ExternalSecret")
            .flatMap((d) => d.object.spec.data.map((x: Json) => x.remoteRef.key as string)),
        );
        expect([...listed].sort()).toEqual([...read].sort());
        const store = ofCluster(docs, cluster).find((d) => d.object.kind === "ClusterSecretStore")?.object.spec.provider.vault;
        expect(guide.replaceAll("$CLUSTER", cluster)).toContain(`vault auth enable -path=${store.auth.kubernetes.mountPath} kubernetes`);
        expect(guide).toContain(`auth/kubernetes-$CLUSTER/role/${store.auth.kubernetes.role}`);
        expect(guide).toContain(`bound_service_account_names=${store.auth.kubernetes.serviceAccountRef.name}`);
        expect(guide).toContain(`bound_service_account_namespaces=${store.auth.kubernetes.serviceAccountRef.namespace}`);
        expect(guide).toContain(`path "${store.path}/data/iot-fleet/$CLUSTER/*"`);
        const eso = applications(ofCluster(docs, cluster)).find((a) => a.object.spec.source?.chart === "external-secrets")?.object;
        expect(eso.spec.source.helm.valuesObject.systemAuthDelegator).toBe(true);
      });
    },
  );
});

describe("when reading the README's table of the root's waves", () => {
  it("should match the waves of prod's Applications", () => {
    const table = section(readme, "Argo CD and the platform");
    const rows = [...table.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2] as string] as const);
    expect(rows.length).toBeGreaterThan(3);
    const prodApps = applications(ofCluster(docs, "prod")).filter((a) => a.path.includes("/argocd/"));
    const apps = prodApps.filter((a) => a.object.metadata.finalizers !== undefined);
    for (const [n, text] of rows) {
      const inWave = prodApps.filter((a) => wave(a.object) === n && !apps.includes(a)).map((a) => a.object.metadata.name as string);
      if (text === "every AppProject") {
        const projects = ofCluster(docs, "prod").filter((d) => d.object.kind === "AppProject");
        expect(projects.every((p) => wave(p.object) === n)).toBe(true);
      } else if (text === "every app") {
        expect(apps.every((a) => wave(a.object) === n), "apps").toBe(true);
      } else {
        expect([...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort(), `wave ${n}`).toEqual(inWave.sort());
      }
    }
  });
});
