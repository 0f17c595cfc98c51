// The built schema cache (`npm run setup`): its key, its sources, and what the
// real kubeconform accepts and rejects with it.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { CRD_MODULES, KUBERNETES_VERSION } from "../../generators/fleet/versions.js";
import { REPO_ROOT } from "../support/committed.js";
import { crdDocuments, currentSchemaKey, downloadModules, parseJsonStream, readManifest, schemaCacheKey, type SchemaManifest } from "./cache.js";
import { KUBECONFORM_VERSION, kubeconformArgs, runKubeconform } from "./kubeconform.js";
import { convertCrd, objectMetaSchema, type Json, type JsonObject } from "./schemas.js";
import { schemaSources } from "./sources.js";
import { tempDir, validateAgainstCache } from "./testing.js";
import { requireSetup } from "./validation.js";

const run = promisify(execFile);

describe("when computing the cache key", () => {
  const inputs = { kubernetesVersion: "1.35.4", sources: schemaSources(), converter: ["converter source"] };

  it("should be stable for the same pins and converter", () => {
    expect(schemaCacheKey(inputs)).toBe(schemaCacheKey(structuredClone(inputs)));
    expect(schemaCacheKey(inputs)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("should change when a pin, a source path or the converter changes", () => {
    const bumped = schemaSources().map((s) => (s.module.module === CRD_MODULES.certManager.module ? { ...s, module: { ...s.module, version: "v1.99.0" } } : s));
    const keys = [
      schemaCacheKey(inputs),
      schemaCacheKey({ ...inputs, kubernetesVersion: "1.36.0" }),
      schemaCacheKey({ ...inputs, sources: bumped }),
      schemaCacheKey({ ...inputs, sources: schemaSources().map((s) => ({ ...s, paths: [...s.paths, "more"] })) }),
      schemaCacheKey({ ...inputs, converter: ["converter source, edited"] }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("when reading go mod download -json", () => {
  it("should split back-to-back JSON objects, braces inside strings included", () => {
    const text = '{\n\t"Path": "a",\n\t"Error": "bad } { \\" brace"\n}\n{\n\t"Path": "b",\n\t"Dir": "/x"\n}\n';
    expect(parseJsonStream(text)).toEqual([
      { Path: "a", Error: 'bad } { " brace' },
      { Path: "b", Dir: "/x" },
    ]);
  });

  it("should fail naming a module version the proxy does not have", async () => {
    await expect(downloadModules([{ module: CRD_MODULES.certManager.module, version: "v0.0.0-does-not-exist" }])).rejects.toThrow(
      /^could not download 1 Go module\(s\):\n {2}github\.com\/cert-manager\/cert-manager@v0\.0\.0-does-not-exist: [\s\S]*\ncheck the version in generators\/fleet\/versions\.ts/,
    );
  });
});

describe("when the cache is built", () => {
  let manifest: SchemaManifest;
  beforeAll(() => {
    const { schemaDir } = requireSetup();
    const m = readManifest(schemaDir);
    if (!m) throw new Error(`no manifest in ${schemaDir}: run npm run setup`);
    manifest = m;
  });

  it("should be keyed by the current pins and hold the fleet's Kubernetes version", () => {
    expect(manifest.key).toBe(currentSchemaKey());
    expect(manifest.kubernetesVersion).toBe(KUBERNETES_VERSION);
    expect(manifest.modules.map((m) => `${m.module}@${m.version}`)).toEqual(
      expect.arrayContaining([`k8s.io/kubernetes@v${KUBERNETES_VERSION}`, ...Object.values(CRD_MODULES).map((m) => `${m.module}@${m.version}`)]),
    );
  });

  it("should hold exactly the served versions of the pinned CRDs", () => {
    const kinds = manifest.kinds.map((k) => `${k.apiVersion} ${k.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "argoproj.io/v1alpha1 Application",
        "argoproj.io/v1alpha1 AppProject",
        "monitoring.coreos.com/v1 ServiceMonitor",
        "monitoring.coreos.com/v1 PrometheusRule",
        "cert-manager.io/v1 ClusterIssuer",
        "external-secrets.io/v1 ExternalSecret",
        "external-secrets.io/v1 ClusterSecretStore",
        "autoscaling.k8s.io/v1 VerticalPodAutoscaler",
        "apps/v1 Deployment",
        "v1 ConfigMap",
      ]),
    );
    // Defined upstream but not served at the pinned versions.
    expect(kinds).not.toContain("external-secrets.io/v1beta1 ExternalSecret");
    expect(kinds).not.toContain("autoscaling.k8s.io/v1beta2 VerticalPodAutoscaler");
    expect(kinds).not.toContain("monitoring.coreos.com/v1beta1 AlertmanagerConfig");
  });

  it("should let kubeconform compile every schema in it (one it cannot compile would pass for a missing one)", async () => {
    const { dir, remove } = tempDir("schema-all");
    try {
      const file = join(dir, "all.yaml");
      writeFileSync(file, manifest.kinds.map((k) => JSON.stringify({ apiVersion: k.apiVersion, kind: k.kind, metadata: { name: "x" } })).join("\n---\n"));
      const { results } = await runKubeconform([file], { schemaDir: requireSetup().schemaDir, kubernetesVersion: KUBERNETES_VERSION });
      // A bare object fails many schemas (required spec, no metadata on List kinds, ...); what matters is that none is an error.
      expect(results).toHaveLength(manifest.kinds.length);
      expect(results.filter((r) => r.status === "error").map((r) => `${r.apiVersion} ${r.kind}: ${r.msg}`)).toEqual([]);
    } finally {
      remove();
    }
  });
});

describe("when validating built-in kinds against the cache", () => {
  const deployment = (container: JsonObject, extra: JsonObject = {}, named = true): JsonObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", namespace: "n", labels: { "app.kubernetes.io/name": "d" }, annotations: { note: "free text" } },
    spec: {
      selector: { matchLabels: { app: "d" } },
      template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ ...(named ? { name: "c" } : {}), image: "busybox:1.37", ...container }] } },
      ...extra,
    },
  });

  it("should accept what the API server accepts", async () => {
    const results = await validateAgainstCache([
      deployment({ resources: { requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: 1, memory: 134217728 } }, ports: [{ containerPort: 8080 }] }),
      deployment({ livenessProbe: { httpGet: { path: "/", port: "http" } }, readinessProbe: { httpGet: { path: "/", port: 8080 } } }),
      deployment({}, { replicas: null, strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } } }),
      { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: "http" }] } },
    ]);
    expect(results.map((r) => [r.status, r.validationErrors])).toEqual([
      ["valid", []],
      ["valid", []],
      ["valid", []],
      ["valid", []],
    ]);
  });

  it("should reject what it rejects, naming the field", async () => {
    const results = await validateAgainstCache([
      deployment({ imagePullPolcy: "Always" }),
      deployment({ resources: { limits: { cpu: true } } }),
      deployment({ ports: [{ containerPort: "8080" }] }),
      deployment({}, { strategy: { rollingUpdate: { maxSurge: 1.5 } } }),
      { ...deployment({}), metadata: { name: "d", lables: {} } },
      { ...deployment({}), kind: "deployment" },
      deployment({}, {}, false),
    ]);
    expect(results.map((r) => [r.status, r.validationErrors.map((e) => `${e.path}: ${e.msg}`)])).toEqual([
      ["invalid", ["/spec/template/spec/containers/0: additional properties 'imagePullPolcy' not allowed"]],
      ["invalid", ["/spec/template/spec/containers/0/resources/limits/cpu: 'oneOf' failed, none matched"]],
      ["invalid", ["/spec/template/spec/containers/0/ports/0/containerPort: got string, want integer"]],
      ["invalid", ["/spec/strategy/rollingUpdate/maxSurge: 'oneOf' failed, none matched"]],
      ["invalid", ["/metadata: additional properties 'lables' not allowed"]],
      ["invalid", [expect.stringMatching(/^\/kind: value must be 'Deployment'/)]],
      ["invalid", ["/spec/template/spec/containers/0: missing property 'name'"]],
    ]);
  });
});

describe("when a CRD comes from a Helm chart's template", () => {
  it("should convert to the same schema as the plain CRD YAML (cert-manager ClusterIssuer)", async () => {
    const { module, version } = CRD_MODULES.certManager;
    const dir = (await downloadModules([{ module, version }])).get(`${module}@${version}`) ?? "";
    const swagger = JSON.parse(
      readFileSync(join((await downloadModules([{ module: "k8s.io/kubernetes", version: `v${KUBERNETES_VERSION}` }])).get(`k8s.io/kubernetes@v${KUBERNETES_VERSION}`) ?? "", "api/openapi-spec/swagger.json"), "utf8"),
    ) as Json;
    const objectMeta = objectMetaSchema(swagger, "swagger.json");
    const convert = (path: string): unknown =>
      crdDocuments(readFileSync(join(dir, path), "utf8"), path).flatMap((crd) => convertCrd(crd, "x", objectMeta).map((s) => s.schema));
    const templated = readFileSync(join(dir, "deploy/charts/cert-manager/templates/crd-cert-manager.io_clusterissuers.yaml"), "utf8");
    expect(templated).toMatch(/^\{\{- if /);
    const fromChart = convert("deploy/charts/cert-manager/templates/crd-cert-manager.io_clusterissuers.yaml");
    expect(fromChart).toEqual(convert("deploy/crds/cert-manager.io_clusterissuers.yaml"));
    expect(fromChart).toHaveLength(1);
  });
});

describe("when kubeconform is invoked", () => {
  it("should run strict and offline, with nothing skipped or ignored", () => {
    const args = kubeconformArgs(["a.yaml"], { schemaDir: "/s", kubernetesVersion: "1.35.4" });
    expect(args).toEqual(expect.arrayContaining(["-strict", "-summary", "-verbose", "-kubernetes-version", "1.35.4"]));
    expect(args[args.indexOf("-schema-location") + 1]).toMatch(/^\/s\/\{\{ \.NormalizedKubernetesVersion \}\}-standalone\{\{ \.StrictSuffix \}\}\//);
    expect(args.filter((a) => /^-(ignore-missing-schemas|skip|reject|ignore-filename-pattern|insecure-skip-tls-verify|cache)$/.test(a))).toEqual([]);
    expect(args.filter((a) => a === "-schema-location")).toHaveLength(1);
    expect(args.slice(-2)).toEqual(["--", "a.yaml"]);
  });

  it("should be the pinned build", async () => {
    const { binary } = requireSetup();
    const { stdout } = await run(binary, ["-v"]);
    expect(stdout.trim()).toBe(KUBECONFORM_VERSION);
  });
});

describe("when the install script runs with everything cached", () => {
  it("should rebuild nothing", async () => {
    requireSetup();
    const { stdout } = await run("bash", [join(REPO_ROOT, "scripts", "install-kubeconform.sh")], { cwd: REPO_ROOT });
    expect(stdout).toMatch(new RegExp(`^INFO - kubeconform: ${KUBECONFORM_VERSION} cached in \\.tools/kubeconform/${KUBECONFORM_VERSION}/kubeconform; nothing to do$`, "m"));
    expect(stdout).toMatch(/^INFO - schemas: cached in \.cache\/schemas\/[0-9a-f]{16} \(\d+ kinds, Kubernetes [\d.]+\); nothing to do$/m);
    expect(stdout).not.toMatch(/building|wrote/);
  });
});
