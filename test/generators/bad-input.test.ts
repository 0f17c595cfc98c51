import { mkdtemp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generators/generate.js";
import { renderFleet } from "../../generators/render/fleet.js";
import type { AppSpec, ServiceWorkloadSpec, WorkloadSpec } from "../../generators/spec/types.js";
import { formatIssue, SpecError, type SpecIssue } from "../../generators/spec/validate.js";
import { clusterRunning, defineApp, sampleSpec } from "../support/fixtures.js";

type Mutation = (spec: AppSpec) => AppSpec;

function withComponent(name: string, change: (w: ServiceWorkloadSpec) => WorkloadSpec): Mutation {
  return (spec) => ({
    ...spec,
    components: spec.components.map((w) => (w.name === name ? change(w as ServiceWorkloadSpec) : w)),
  });
}

function issuesOf(mutate: Mutation): SpecIssue[] {
  const spec = mutate(sampleSpec());
  try {
    renderFleet([clusterRunning("sample")], [defineApp(spec)]);
  } catch (error) {
    if (error instanceof SpecError) return [...error.issues];
    throw error;
  }
  throw new Error("expected the spec to be rejected");
}

describe("when a spec is valid", () => {
  it("should render without issues", () => {
    const tree = renderFleet([clusterRunning("sample")], [defineApp(sampleSpec())]);
    expect([...tree.keys()]).toContain("test/apps/sample/deployment-api.yaml");
  });
});

describe.each<[string, Mutation, { field: string; value: unknown; problem: RegExp; fix: RegExp }]>([
  [
    "a dependency on an unknown component",
    withComponent("api", (w) => ({ ...w, connects: [{ component: "postgres", port: "sql" }] })),
    { field: "components[api].connects[0].component", value: "postgres", problem: /not a component/, fix: /api, cache/ },
  ],
  [
    "a dependency on a port the target lacks",
    withComponent("api", (w) => ({ ...w, connects: [{ component: "cache", port: "memcache" }] })),
    { field: "components[api].connects[0].port", value: "memcache", problem: /not a port of component cache/, fix: /redis/ },
  ],
  [
    "a malformed quantity",
    withComponent("api", (w) => ({ ...w, resources: { ...w.resources, requests: { cpu: "2 cores", memory: "128Mi" } } })),
    { field: "components[api].resources.requests.cpu", value: "2 cores", problem: /not a positive Kubernetes quantity/, fix: /500m/ },
  ],
  [
    "a port name used twice",
    withComponent("api", (w) => ({ ...w, ports: [...(w.ports ?? []), { name: "http", containerPort: 8081 }] })),
    { field: "components[api].ports[http].name", value: "http", problem: /used twice/, fix: /unique name/ },
  ],
  [
    "a missing image tag",
    withComponent("api", (w) => ({ ...w, image: { repository: "example/api", tag: "" } })),
    { field: "components[api].image.tag", value: "", problem: /pinned version tag/, fix: /example\/api/ },
  ],
  [
    "a latest image tag",
    withComponent("api", (w) => ({ ...w, image: { repository: "example/api", tag: "latest" } })),
    { field: "components[api].image.tag", value: "latest", problem: /cannot be rolled back/, fix: /pin a released version/ },
  ],
  [
    "a replica count below 1",
    withComponent("cache", (w) => ({ ...w, replicas: 0 })),
    { field: "components[cache].replicas", value: 0, problem: /at least 1/, fix: /replicas to 1 or more/ },
  ],
  [
    "autoscaling bounds that cross",
    withComponent("api", (w) => ({ ...w, autoscaling: { minReplicas: 2, maxReplicas: 1, cpuUtilization: 70 } })),
    { field: "components[api].autoscaling.maxReplicas", value: 1, problem: /below minReplicas 2/, fix: /raise maxReplicas/ },
  ],
  [
    "a request above its limit",
    withComponent("api", (w) => ({ ...w, resources: { ...w.resources, requests: { cpu: "1", memory: "128Mi" } } })),
    { field: "components[api].resources.requests.cpu", value: "1", problem: /exceeds the CPU limit 500m/, fix: /lower the request/ },
  ],
  [
    "a long-running container without probes",
    withComponent("api", (w) => ({ ...w, probes: undefined })),
    { field: "components[api].probes", value: undefined, problem: /needs liveness and readiness/, fix: /add probes/ },
  ],
  [
    "a probe opt-out without a reason",
    withComponent("api", (w) => ({ ...w, probes: undefined, probesOptOut: "no" })),
    { field: "components[api].probesOptOut", value: "no", problem: /needs a reason/, fix: /why this container cannot be probed/ },
  ],
  [
    "a probe on an unknown port",
    withComponent("api", (w) => ({ ...w, probes: { ...w.probes!, readiness: { httpGet: { path: "/ready", port: "web" } } } })),
    { field: "components[api].probes.readiness.port", value: "web", problem: /not a port of this container/, fix: /http, metrics/ },
  ],
  [
    "an environment variable from an undeclared secret",
    withComponent("api", (w) => ({ ...w, env: { DB_URL: { secret: "db", key: "url" } } })),
    { field: "components[api].env.DB_URL.secret", value: "db", problem: /names no secret/, fix: /declare it in secrets/ },
  ],
  [
    "a mount of an undeclared volume",
    withComponent("api", (w) => ({ ...w, mounts: [{ volume: "scratch", mountPath: "/tmp" }] })),
    { field: "components[api].mounts[/tmp].volume", value: "scratch", problem: /names no volume/, fix: /declare it in volumes/ },
  ],
  [
    "a connection to an external network the cluster lacks",
    withComponent("api", (w) => ({ ...w, connects: [{ external: "mainframe", port: 443 }] })),
    { field: "components[api].connects[0].external", value: "mainframe", problem: /not an external network of cluster test/, fix: /logging/ },
  ],
  [
    "an ingress to a port the Service lacks",
    (spec) => ({ ...spec, ingresses: [{ name: "api", host: "api.example.test", component: "api", port: "admin" }] }),
    { field: "ingresses[api].port", value: "admin", problem: /not a Service port of api/, fix: /http, metrics/ },
  ],
  [
    "a shared claim on a cluster whose volumes are node-local",
    (spec) => ({ ...spec, claims: [{ name: "models", size: "5Gi", accessMode: "ReadWriteMany", description: "models" }] }),
    { field: "claims[models].accessMode", value: "ReadWriteMany", problem: /cannot mount a volume read-write on several nodes/, fix: /ReadWriteOnce/ },
  ],
  [
    "a metrics port on no Service",
    withComponent("api", (w) => ({ ...w, service: { ports: ["http"] } })),
    { field: "components[api].ports[metrics].metrics", value: true, problem: /must be on a Service/, fix: /service.headless/ },
  ],
  [
    "an alert without a valid duration",
    (spec) => ({ ...spec, alerts: spec.alerts.map((a) => ({ ...a, for: "five minutes" })) }),
    { field: "alerts[SampleDown].for", value: "five minutes", problem: /not a Prometheus duration/, fix: /5m/ },
  ],
  [
    "a CronJob without a schedule",
    (spec) => ({
      ...spec,
      components: [
        ...spec.components,
        {
          kind: "CronJob",
          name: "backup",
          description: "backup",
          image: { repository: "example/backup", tag: "1.0.0" },
          resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
        },
      ],
    }),
    { field: "components[backup].schedule", value: undefined, problem: /five-field cron schedule/, fix: /0 2 \* \* \*/ },
  ],
])("when the spec has %s", (_, mutate, expected) => {
  it("should name the app, field, bad value and what is allowed", () => {
    const issues = issuesOf(mutate);
    const issue = issues.find((i) => i.field === expected.field);
    expect(issue, `issues: ${issues.map(formatIssue).join("\n")}`).toBeDefined();
    expect(issue?.app).toBe("sample");
    expect(issue?.cluster).toBe("test");
    expect(issue?.value).toEqual(expected.value);
    expect(issue?.problem).toMatch(expected.problem);
    expect(issue?.fix).toMatch(expected.fix);
    const line = formatIssue(issue as SpecIssue);
    expect(line).toContain("apps/sample (cluster test)");
    expect(line).toContain(expected.field);
  });
});

describe("when a cluster runs an app that does not exist", () => {
  it("should say which apps exist", () => {
    expect(() => renderFleet([clusterRunning("sample", "ghost")], [defineApp(sampleSpec())])).toThrow(
      /cluster test runs an app that does not exist; use one of: sample/,
    );
  });
});

describe("when a cluster's pools cannot hold the quotas of its apps", () => {
  it("should name the cluster, what is needed and what is there", () => {
    const small = {
      ...clusterRunning("sample"),
      nodePools: [{ name: "standard", count: 1, cpu: "1", memory: "64Gi", arch: "amd64" as const, selector: {} }],
      platformReserve: { cpu: "500m", memory: "1Gi" },
    };
    try {
      renderFleet([small], [defineApp(sampleSpec())]);
      expect.unreachable();
    } catch (error) {
      const issues = (error as SpecError).issues;
      expect(issues).toHaveLength(1);
      // api: (4 HPA max + 1 surge) x 100m + cache: 1 x 100m = 600m, rounded up to the 250m step = 750m, plus the 500m reserve.
      expect(formatIssue(issues[0] as SpecIssue)).toBe(
        'generators/fleet/clusters.ts (cluster test): nodePools (cpu) = "1": the apps\' quota requests plus the platform reserve need 1250m cpu, more than the pools offer at their maximum size; raise a pool\'s count or maxCount, or lower replicas, HPA maximums or requests in the apps',
      );
    }
  });

  it("should count the pools at their autoscaling maximum", () => {
    const growable = {
      ...clusterRunning("sample"),
      nodePools: [{ name: "standard", count: 1, maxCount: 2, cpu: "1", memory: "64Gi", arch: "amd64" as const, selector: {} }],
      platformReserve: { cpu: "500m", memory: "1Gi" },
    };
    expect(() => renderFleet([growable], [defineApp(sampleSpec())])).not.toThrow();
  });
});

describe("when several apps are broken at once", () => {
  it("should report every problem in one run", () => {
    const broken = withComponent("cache", (w) => ({ ...w, replicas: 0, image: { ...w.image, tag: "latest" } }))(sampleSpec());
    try {
      renderFleet([clusterRunning("sample")], [defineApp(broken)]);
      expect.unreachable();
    } catch (error) {
      expect((error as SpecError).issues.map((i) => i.field).sort()).toEqual([
        "components[cache].image.tag",
        "components[cache].replicas",
      ]);
    }
  });
});

describe("when generating with a bad spec", () => {
  it("should leave the output directory exactly as it was", async () => {
    const root = await mkdtemp(join(tmpdir(), "generate-bad-"));
    const out = join(root, "clusters");
    await mkdir(join(out, "test"), { recursive: true });
    await writeFile(join(out, "test", "keep.yaml"), "kept: true\n");
    const broken = withComponent("api", (w) => ({ ...w, replicas: 0 }))(sampleSpec());
    await expect(generate({ clusters: [clusterRunning("sample")], apps: [defineApp(broken)], out })).rejects.toThrow(
      SpecError,
    );
    expect(await readdir(root)).toEqual(["clusters"]);
    expect(await readdir(join(out, "test"))).toEqual(["keep.yaml"]);
    expect(await readFile(join(out, "test", "keep.yaml"), "utf8")).toBe("kept: true\n");
  });
});
