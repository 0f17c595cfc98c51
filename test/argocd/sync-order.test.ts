import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, prod } from "../../generators/fleet/clusters.js";
import { componentWaves } from "../../generators/argocd/sync-order.js";
import { SpecError } from "../../generators/spec/validate.js";
import type { ServiceWorkloadSpec } from "../../generators/spec/types.js";
import { sampleSpec } from "../support/fixtures.js";
import { appOrderProblems, copy, dirOf, type Doc, rootOrderProblems } from "./checks.js";
import { committedTree, docAt, replaced, specFor } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

function appObjects(tree: readonly Doc[], cluster: string, app: string): unknown[] {
  return tree.filter((d) => dirOf(d) === `${cluster}/apps/${app}`).map((d) => d.object);
}

function withWave(tree: readonly Doc[], path: string, wave: number): Doc[] {
  const object = copy(docAt(tree, path).object);
  object.metadata.annotations = { ...object.metadata.annotations, "argocd.argoproj.io/sync-wave": String(wave) };
  return replaced(tree, path, object);
}

describe("when ordering the Applications of every cluster", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should sync nothing in %s before the platform pieces it needs", (_, profile) => {
    expect(rootOrderProblems(docs, profile)).toEqual([]);
  });

  it("should report an app synced in the same wave as Prometheus", () => {
    const kps = docAt(docs, "prod/argocd/application-kube-prometheus-stack.yaml").object;
    const kpsWave = Number(kps.metadata.annotations["argocd.argoproj.io/sync-wave"]);
    const problems = rootOrderProblems(withWave(docs, "prod/argocd/application-kades.yaml", kpsWave), prod);
    expect(problems).toContain(
      `prod/argocd/application-kades.yaml: wave ${kpsWave} needs the monitoring.coreos.com API from prod/argocd/application-kube-prometheus-stack.yaml, which is in wave ${kpsWave}`,
    );
  });

  it("should report a ClusterSecretStore synced after the Grafana credentials that read it", () => {
    const problems = rootOrderProblems(withWave(docs, "prod/argocd/application-cluster-secret-store.yaml", 50), prod);
    expect(problems).toContainEqual(expect.stringMatching(/^prod\/argocd\/application-grafana-config\.yaml: wave \d+ needs ClusterSecretStore fleet-secrets/));
  });

  it("should report Grafana synced before its admin credentials", () => {
    const problems = rootOrderProblems(withWave(docs, "prod/argocd/application-grafana-config.yaml", 50), prod);
    expect(problems).toContainEqual(expect.stringMatching(/^prod\/argocd\/application-kube-prometheus-stack\.yaml: wave \d+ needs Secret monitoring\/grafana-admin/));
  });

  it("should report a need nothing provides", () => {
    const tree = docs.filter((d) => d.path !== "prod/argocd/application-prometheus-adapter.yaml");
    expect(rootOrderProblems(tree, prod)).toContain(
      "prod/argocd/application-iot-anomaly-detection.yaml: needs the custom.metrics.k8s.io API, which no Application provides",
    );
  });

  it("should report an AppProject synced with the Applications", () => {
    expect(rootOrderProblems(withWave(docs, "prod/argocd/appproject-kades.yaml", 99), prod)).toContainEqual(expect.stringContaining("prod/argocd/appproject-kades.yaml: wave 99 is not before"));
  });
});

describe("when ordering the objects inside every app", () => {
  const cases = CLUSTERS.flatMap((c) => c.apps.map((a) => [`${c.name}/${a}`, c, a] as const));
  it.each(cases)("should sync %s's data stores, their Services and the Jobs preparing them before the components using them", (_, profile, app) => {
    expect(appOrderProblems(appObjects(docs, profile.name, app), specFor(app, profile), `${profile.name}/${app}`)).toEqual([]);
  });

  it("should report an API synced with the database it connects to", () => {
    const tree = withWave(docs, "prod/apps/kades/deployment-kades-api.yaml", 0);
    expect(appOrderProblems(appObjects(tree, "prod", "kades"), specFor("kades", prod), "prod/kades")).toContain(
      "prod/kades: Deployment/kades-api (wave 0) connects to what StatefulSet/timescaledb (wave 0) provides, which must be synced first",
    );
  });

  it("should report a data store Service synced after its clients", () => {
    const tree = withWave(docs, "prod/apps/kades/service-timescaledb.yaml", 5);
    expect(appOrderProblems(appObjects(tree, "prod", "kades"), specFor("kades", prod), "prod/kades")).toContainEqual(
      expect.stringContaining("Deployment/kades-api (wave 2) connects to what Service/timescaledb (wave 5) provides"),
    );
  });

  it("should report a migration Job synced after the API that needs the schema", () => {
    const tree = withWave(docs, "prod/apps/kades/job-db-migration.yaml", 3);
    expect(appOrderProblems(appObjects(tree, "prod", "kades"), specFor("kades", prod), "prod/kades")).toContainEqual(
      expect.stringContaining("Deployment/kades-api (wave 2) connects to what Job/db-migration (wave 3) provides"),
    );
  });

  it("should report a Secret source synced after the pod that reads it", () => {
    const tree = withWave(docs, "prod/apps/kades/externalsecret-kades-secrets.yaml", 2);
    expect(appOrderProblems(appObjects(tree, "prod", "kades"), specFor("kades", prod), "prod/kades")).toContain(
      "prod/kades: Deployment/kades-api (wave 2) needs ExternalSecret/kades-secrets (wave 2) first",
    );
  });

  it("should report an object synced with its Namespace", () => {
    const tree = withWave(docs, "prod/apps/kades/resourcequota-kades-quota.yaml", -2);
    expect(appOrderProblems(appObjects(tree, "prod", "kades"), specFor("kades", prod), "prod/kades")).toContain(
      "prod/kades: ResourceQuota/kades-quota (wave -2) is not after its Namespace (wave -2)",
    );
  });
});

describe("when data stores connect to each other", () => {
  it("should sync the store connected to first", () => {
    const spec = sampleSpec();
    const cache = spec.components[1] as ServiceWorkloadSpec;
    const queue: ServiceWorkloadSpec = { ...cache, name: "queue", connects: [{ component: "cache", port: "redis" }] };
    const waves = componentWaves({ ...spec, components: [...spec.components, queue] }, "test");
    expect(waves.get("cache")).toBe(0);
    expect(waves.get("queue")).toBe(1);
    expect(waves.get("api")).toBe(1);
  });

  it("should refuse a cycle, naming it", () => {
    const spec = sampleSpec();
    const cache = spec.components[1] as ServiceWorkloadSpec;
    const a: ServiceWorkloadSpec = { ...cache, name: "a", connects: [{ component: "b", port: "redis" }] };
    const b: ServiceWorkloadSpec = { ...cache, name: "b", connects: [{ component: "a", port: "redis" }] };
    expect(() => componentWaves({ ...spec, components: [a, b] }, "test")).toThrow(SpecError);
    expect(() => componentWaves({ ...spec, components: [a, b] }, "test")).toThrow(/a -> b -> a/);
  });
});
