// One rejecting case for every remaining check of the spec validator (the
// common mistakes, with their full messages, are in bad-input.test.ts).
import { describe, expect, it } from "vitest";
import { renderFleet } from "../../generators/render/fleet.js";
import type { AppSpec, ServiceWorkloadSpec, WorkloadSpec } from "../../generators/spec/types.js";
import { formatIssue, SpecError } from "../../generators/spec/validate.js";
import { clusterRunning, sampleSpec } from "../support/fixtures.js";

type Mutation = (spec: AppSpec) => AppSpec;

const api = (change: (w: ServiceWorkloadSpec) => WorkloadSpec): Mutation => (spec) => ({
  ...spec,
  components: spec.components.map((w) => (w.name === "api" ? change(w as ServiceWorkloadSpec) : w)),
});
const cache = (change: (w: ServiceWorkloadSpec) => WorkloadSpec): Mutation => (spec) => ({
  ...spec,
  components: spec.components.map((w) => (w.name === "cache" ? change(w as ServiceWorkloadSpec) : w)),
});
const alert = (change: Partial<AppSpec["alerts"][number]>): Mutation => (spec) => ({
  ...spec,
  alerts: [{ ...(spec.alerts[0] as AppSpec["alerts"][number]), ...change }],
});
const resources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } };
const job: WorkloadSpec = {
  kind: "Job",
  name: "once",
  description: "one-off",
  image: { repository: "example/once", tag: "1.0.0" },
  resources,
};

function issuesOf(mutate: Mutation, cluster = clusterRunning("sample")): string[] {
  try {
    // The app id stays "sample" whatever the mutated spec calls itself.
    renderFleet([cluster], [{ name: "sample", spec: () => mutate(sampleSpec()) }]);
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

describe.each<[string, Mutation, string, RegExp]>([
  ["a name that is not the folder", (s) => ({ ...s, name: "other" }), "name", /does not match the app id "sample"/],
  ["a namespace that is not a DNS label", (s) => ({ ...s, namespace: "Sample_NS" }), "namespace", /not a DNS label/],
  ["no components", (s) => ({ ...s, components: [], ingresses: [] }), "components", /at least one component/],
  ["a component declared twice", (s) => ({ ...s, components: [...s.components, s.components[1] as WorkloadSpec] }), "components[cache]", /declared 2 times/],
  ["a component name that is not a DNS label", cache((w) => ({ ...w, name: "Cache_1" })), "components[Cache_1].name", /not a DNS label/],
  ["two containers of one name", api((w) => ({ ...w, sidecars: [{ name: "api", image: w.image, resources, probes: w.probes }] })), "components[api].containers[api]", /used twice in the pod/],
  ["a volume from an undeclared claim", api((w) => ({ ...w, volumes: { data: { claim: "nope" } } })), "components[api].volumes.data.claim", /names no claim/],
  ["a volume from an undeclared ConfigMap", api((w) => ({ ...w, volumes: { cfg: { configMap: "nope" } } })), "components[api].volumes.cfg.configMap", /names no ConfigMap/],
  ["a volume from an undeclared secret", api((w) => ({ ...w, volumes: { s: { secret: "nope" } } })), "components[api].volumes.s.secret", /names no secret/],
  ["an emptyDir without a size", api((w) => ({ ...w, volumes: { tmp: { emptyDir: { sizeLimit: "lots" } } } })), "components[api].volumes.tmp.emptyDir.sizeLimit", /not a positive Kubernetes quantity/],
  ["an external connection to port 0", api((w) => ({ ...w, connects: [{ external: "logging", port: 0 }] })), "components[api].connects[0].port", /not a port number/],
  ["a Job with a schedule", (s) => ({ ...s, components: [...s.components, { ...job, schedule: "0 * * * *" } as WorkloadSpec] }), "components[once].schedule", /runs once and takes no schedule/],
  ["an ingress to a component without a Service", (s) => ({ ...s, components: [...s.components, job], ingresses: [{ name: "x", host: "x.example.test", component: "once", port: "http" }] }), "ingresses[x].component", /not a component with a Service/],
  ["an ingress host that is not a DNS name", (s) => ({ ...s, ingresses: [{ name: "api", host: "API.Example.test/", component: "api", port: "http" }] }), "ingresses[api].host", /not a DNS host name/],
  ["an alert name in snake case", alert({ alert: "sample_down" }), "alerts[sample_down].alert", /UpperCamelCase/],
  ["an alert declared twice", (s) => ({ ...s, alerts: [...s.alerts, ...s.alerts] }), "alerts[SampleDown].alert", /declared twice/],
  ["an unknown severity", alert({ severity: "page" as never }), "alerts[SampleDown].severity", /not a known severity/],
  ["an alert without a summary", alert({ summary: " " }), "alerts[SampleDown].summary", /need a summary and a description/],
  ["an alert without an expression", alert({ expr: "" }), "alerts[SampleDown].expr", /is empty/],
  ["a quota with a malformed CPU figure", (s) => ({ ...s, quota: { requestsCpu: "lots", requestsMemory: "1Gi", limitsCpu: "2", limitsMemory: "2Gi", pods: 10 } }), "quota.requestsCpu", /not a positive Kubernetes quantity/],
  ["a quota of zero pods", (s) => ({ ...s, quota: { requestsCpu: "1", requestsMemory: "1Gi", limitsCpu: "2", limitsMemory: "2Gi", pods: 0 } }), "quota.pods", /at least 1/],
  ["an HPA minimum of zero", api((w) => ({ ...w, replicas: 1, autoscaling: { minReplicas: 0, maxReplicas: 3, cpuUtilization: 70 } })), "components[api].autoscaling.minReplicas", /at least 1/],
  ["replicas outside the HPA bounds", api((w) => ({ ...w, replicas: 9 })), "components[api].replicas", /outside the autoscaling bounds 2-4/],
  ["a utilisation above 100%", api((w) => ({ ...w, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 150 } })), "components[api].autoscaling.cpuUtilization", /not a percentage/],
  ["a pods metric with a malformed target", api((w) => ({ ...w, autoscaling: { minReplicas: 2, maxReplicas: 4, podsMetric: { name: "rps", averageValue: "many" } } })), "components[api].autoscaling.podsMetric.averageValue", /not a positive Kubernetes quantity/],
  ["an HPA with nothing to scale on", api((w) => ({ ...w, autoscaling: { minReplicas: 2, maxReplicas: 4 } })), "components[api].autoscaling", /no metric to scale on/],
  ["claim templates on a Deployment", api((w) => ({ ...w, volumeClaimTemplates: [{ name: "data", size: "1Gi" }] })), "components[api].volumeClaimTemplates", /only a StatefulSet/],
  ["a primary-only Service on a Deployment", api((w) => ({ ...w, service: { primaryOnly: true } })), "components[api].service.primaryOnly", /only a StatefulSet has a primary/],
  ["a Service port the pod lacks", api((w) => ({ ...w, service: { ports: ["http", "metrics", "grpc"] } })), "components[api].service.ports", /not a port of this component/],
  ["an image with its tag in the repository", api((w) => ({ ...w, image: { repository: "example/api:1.2.3", tag: "1.2.3" } })), "components[api].image.repository", /carries a tag or digest/],
  ["an image tag with a space", api((w) => ({ ...w, image: { repository: "example/api", tag: "1.2 beta" } })), "components[api].image.tag", /not a valid image tag/],
  ["an environment variable with a dash", api((w) => ({ ...w, env: { "LOG-LEVEL": "info" } })), "components[api].env.LOG-LEVEL", /not a valid environment variable name/],
  ["a secret key that is not declared", (s) => ({ ...api((w) => ({ ...w, env: { DB: { secret: "db", key: "url" } } }))(s), secrets: [{ name: "db", keys: { password: "pw" } }] }), "components[api].env.DB.key", /not a key of secret db/],
  ["an env from an undeclared ConfigMap", api((w) => ({ ...w, env: { LEVEL: { configMap: "cfg", key: "level" } } })), "components[api].env.LEVEL.configMap", /names no ConfigMap/],
  ["a ConfigMap key that is not declared", (s) => ({ ...api((w) => ({ ...w, env: { LEVEL: { configMap: "cfg", key: "level" } } }))(s), configMaps: [{ name: "cfg", data: { mode: "x" } }] }), "components[api].env.LEVEL.key", /not a key of ConfigMap cfg/],
  ["envFrom an undeclared ConfigMap", api((w) => ({ ...w, envFromConfigMaps: ["cfg"] })), "components[api].envFromConfigMaps", /names no ConfigMap/],
  ["one path mounted twice", cache((w) => ({ ...w, mounts: [{ volume: "data", mountPath: "/data" }, { volume: "data", mountPath: "/data" }] })), "components[cache].mounts", /mounted twice/],
  ["a port name with capitals", api((w) => ({ ...w, ports: [{ name: "HTTP", containerPort: 8080 }, { name: "metrics", containerPort: 9090, metrics: true }], probes: undefined, probesOptOut: "sample without probes for this case" })), "components[api].ports[HTTP].name", /not a valid port name/],
  ["port 70000", api((w) => ({ ...w, ports: [...(w.ports ?? []), { name: "admin", containerPort: 70000 }] })), "components[api].ports[admin].containerPort", /not a port number/],
  ["one port number twice", api((w) => ({ ...w, ports: [...(w.ports ?? []), { name: "admin", containerPort: 8080 }] })), "components[api].ports[admin].containerPort", /used twice in the pod/],
  ["a Service port 0", api((w) => ({ ...w, ports: [...(w.ports ?? []), { name: "admin", containerPort: 8081, servicePort: 0 }] })), "components[api].ports[admin].servicePort", /not a port number/],
  ["a relative probe path", api((w) => ({ ...w, probes: { ...w.probes!, liveness: { httpGet: { path: "health", port: "http" } } } })), "components[api].probes.liveness.httpGet.path", /not an absolute path/],
  ["a memory request above its limit", api((w) => ({ ...w, resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { cpu: "500m", memory: "512Mi" } } })), "components[api].resources.requests.memory", /exceeds the memory limit 512Mi/],
  ["two ingresses of one name", (s) => ({ ...s, ingresses: [...(s.ingresses ?? []), ...(s.ingresses ?? [])] }), "Ingress/api", /two objects render to the same file/],
  ["a claim size that is not a quantity", (s) => ({ ...s, claims: [{ name: "models", size: "ten gigs", description: "models" }] }), "claims[models].size", /not a positive Kubernetes quantity/],
])("when the spec has %s", (_, mutate, field, problem) => {
  it(`should reject it at ${field}`, () => {
    const issues = issuesOf(mutate);
    const match = issues.find((line) => line.includes(`: ${field} = `));
    expect(match, issues.join("\n")).toBeDefined();
    expect(match).toMatch(problem);
  });
});

describe("when a component needs the Kubernetes API in a cluster that does not say where it is", () => {
  it("should ask for the cluster's kubernetes-api network", () => {
    const base = clusterRunning("sample");
    const { "kubernetes-api": _, ...others } = base.externalNetworks;
    void _;
    const withAccess = api((w) => ({ ...w, apiAccess: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] }));
    const issues = issuesOf(withAccess, { ...base, externalNetworks: others });
    expect(issues.find((l) => l.includes(": components[api].apiAccess = "))).toMatch(/declares no kubernetes-api network/);
    expect(issuesOf(withAccess, base)).toEqual([]);
  });
});
