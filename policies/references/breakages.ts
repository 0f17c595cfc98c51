// The breakages of references a real cluster finds only after merge, as a
// reviewer would make them by hand in a copy of the committed prod tree: what
// to change, and what `npm run policy` must say about it. policies/breakages.test.ts
// judges them together with the other breakages in one run of the CLI.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface ReferenceBreakage {
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

export const REFERENCE_BREAKAGES: readonly ReferenceBreakage[] = [
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
export function breakCopy(root: string, breakage: ReferenceBreakage): void {
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
export function blockFor(output: string, file: string, breakage: ReferenceBreakage): string | undefined {
  return output.split("\n\n").find((block) => block.includes(`(${breakage.rule})`) && block.includes(`---> ${file} -> ${breakage.resource}\n`));
}
