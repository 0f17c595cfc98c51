// The breakages a real cluster finds only after merge, made by hand in copies
// of the committed prod tree and judged by `npm run policy` as a reviewer runs
// it: each must be named by its rule, file, object, field and fix.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "../lib/testing.js";

const run = promisify(execFile);

interface Breakage {
  /** What a reviewer would have let through. */
  readonly what: string;
  /** The file of clusters/prod changed, and how (undefined deletes it). */
  readonly file: string;
  readonly edit: ((object: Record<string, any>) => void) | undefined;
  /** What the run must say. */
  readonly rule: string;
  readonly at: string;
  readonly resource: string;
  readonly path: RegExp;
  readonly fix: string;
}

const BREAKAGES: readonly Breakage[] = [
  {
    what: "a Service whose targetPort names no container port",
    file: "apps/kades/service-kades-api.yaml",
    edit: (o) => (o.spec.ports[0].targetPort = "htp"),
    rule: "references/service-target-ports",
    at: "apps/kades/service-kades-api.yaml",
    resource: "Service/kades-api",
    path: /^spec\.ports\[0\]\.targetPort$/,
    fix: "`service.ports` and the `ports` of component kades-api in apps/kades",
  },
  {
    what: "an Ingress whose backend Service does not exist",
    file: "apps/iot-telemetry/ingress-dashboard-api.yaml",
    edit: (o) => (o.spec.rules[0].http.paths[0].backend.service.name = "dashboard"),
    rule: "references/ingress-backends",
    at: "apps/iot-telemetry/ingress-dashboard-api.yaml",
    resource: "Ingress/dashboard-api",
    path: /^spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name$/,
    fix: "`ingresses` (its `component` and `port`) in apps/iot-telemetry",
  },
  {
    what: "an HPA scaling a Deployment that is gone",
    file: "apps/iot-telemetry/deployment-aggregator-worker.yaml",
    edit: undefined,
    rule: "references/scale-targets",
    at: "apps/iot-telemetry/horizontalpodautoscaler-aggregator-worker-hpa.yaml",
    resource: "HorizontalPodAutoscaler/aggregator-worker-hpa",
    path: /^spec\.scaleTargetRef\.name$/,
    fix: "`autoscaling` of component aggregator-worker in apps/iot-telemetry",
  },
  {
    what: "a container reading a ConfigMap that nothing creates",
    file: "apps/pynomaly/configmap-pynomaly-config.yaml",
    edit: undefined,
    rule: "references/pod-config-references",
    at: "apps/pynomaly/deployment-pynomaly-detection.yaml",
    resource: "Deployment/pynomaly-detection",
    path: /^spec\.template\.spec\.containers\[0\]\.envFrom\[0\]\.configMapRef\.name$/,
    fix: "`configMaps` and `envFromConfigMaps` of component pynomaly-detection in apps/pynomaly",
  },
  {
    what: "a container reading a Secret that nothing creates",
    file: "apps/iot-anomaly-detection/externalsecret-redis-credentials.yaml",
    edit: undefined,
    rule: "references/pod-secret-references",
    at: "apps/iot-anomaly-detection/deployment-anomaly-detection-api.yaml",
    resource: "Deployment/anomaly-detection-api",
    path: /^spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.name$/,
    fix: "`secrets` (each renders an ExternalSecret that creates the Secret) and `env` of component anomaly-detection-api in apps/iot-anomaly-detection",
  },
  {
    what: "a pod mounting a claim that does not exist",
    file: "apps/iot-edge-anomaly/persistentvolumeclaim-iot-edge-anomaly-models.yaml",
    edit: undefined,
    rule: "references/pod-claim-references",
    at: "apps/iot-edge-anomaly/deployment-iot-edge-anomaly.yaml",
    resource: "Deployment/iot-edge-anomaly",
    path: /^spec\.template\.spec\.volumes\[\d+\]\.persistentVolumeClaim\.claimName$/,
    fix: "`claims` and `volumes` of component iot-edge-anomaly in apps/iot-edge-anomaly",
  },
  {
    what: "a probe on a port the container does not listen on",
    file: "apps/iot-telemetry/statefulset-kafka.yaml",
    edit: (o) => (o.spec.template.spec.containers[0].livenessProbe.tcpSocket.port = 9094),
    rule: "references/probe-ports",
    at: "apps/iot-telemetry/statefulset-kafka.yaml",
    resource: "StatefulSet/kafka",
    path: /^spec\.template\.spec\.containers\[0\]\.livenessProbe\.tcpSocket\.port$/,
    fix: "`probes` of component kafka and its `ports` in apps/iot-telemetry",
  },
];

/** Applies a breakage to a copy of clusters/prod: the YAML is edited as a person would, header comment kept. */
function breakCopy(root: string, breakage: Breakage): void {
  const path = join(root, breakage.file);
  if (breakage.edit === undefined) {
    rmSync(path);
    return;
  }
  const [document] = parseAllDocuments(readFileSync(path, "utf8"), { version: "1.1" });
  if (document === undefined || Array.isArray(document)) throw new Error(`${path} holds no YAML document`);
  const object = document.toJS() as Record<string, any>;
  breakage.edit(object);
  document.contents = document.createNode(object) as typeof document.contents;
  writeFileSync(path, document.toString());
}

/** The problem block of the CLI's text output that names this file, resource and rule. */
function blockFor(output: string, file: string, breakage: Breakage): string | undefined {
  return output.split("\n\n").find((block) => block.includes(`(${breakage.rule})`) && block.includes(`---> ${file} -> ${breakage.resource}\n`));
}

describe("when a reviewer runs npm run policy on copies of prod, each with one breakage a cluster finds only after merge", () => {
  let scratch: string;
  let output: { code: number; stdout: string };
  const copyOf = (i: number): string => join(scratch, `breakage-${i}`, "prod");
  // As the CLI shows a file: relative to its working directory, or absolute outside it.
  const shown = (path: string): string => {
    const rel = relative(REPO_ROOT, path);
    return (rel.startsWith("..") ? path : rel).split(sep).join("/");
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "references-breakages-"));
    BREAKAGES.forEach((breakage, i) => {
      cpSync(join(REPO_ROOT, "clusters/prod"), copyOf(i), { recursive: true });
      breakCopy(copyOf(i), breakage);
    });
    // One CLI run judges every copy: each is a cluster named prod of its own.
    const tsx = join(REPO_ROOT, "node_modules/.bin/tsx");
    const args = [join(REPO_ROOT, "policies/cli.ts"), ...BREAKAGES.map((_, i) => copyOf(i))];
    try {
      const { stdout } = await run(tsx, args, { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
      output = { code: 0, stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      output = { code: e.code, stdout: e.stdout };
    }
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("should fail the run", () => {
    expect(output.code).toBe(1);
    expect(output.stdout).toMatch(new RegExp(`checked ${BREAKAGES.length} cluster\\(s\\): found \\d+ problem\\(s\\) with severity Bug or higher`));
  });

  it.each(BREAKAGES.map((b, i) => [b.what, i] as const))("should name the rule, file, object, field and fix for %s", (_, i) => {
    const breakage = BREAKAGES[i] as Breakage;
    const file = shown(join(copyOf(i), breakage.at));
    const block = blockFor(output.stdout, file, breakage);
    expect(block, `no (${breakage.rule}) problem at ${file} -> ${breakage.resource} in:\n${output.stdout}`).toBeDefined();
    const [, , field, fix] = (block as string).split("\n").map((line) => line.trim());
    expect(field?.split(" ")[0]).toMatch(breakage.path);
    expect(fix).toContain(breakage.fix);
    expect(fix).toContain("run `npm run generate`");
  });

  it("should leave the other copies clean of that rule: each breakage is reported where it was made only", () => {
    BREAKAGES.forEach((breakage, i) => {
      const elsewhere = BREAKAGES.map((_, j) => j).filter((j) => j !== i && BREAKAGES[j]?.rule !== breakage.rule);
      for (const j of elsewhere) expect(output.stdout.includes(`(${breakage.rule})\n  ---> ${shown(copyOf(j))}/`)).toBe(false);
    });
  });
});
