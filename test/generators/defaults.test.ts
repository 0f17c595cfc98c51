// Every `@default` documented in generators/spec/types.ts, checked against what
// the renderer does with a spec that leaves the field out.
import { describe, expect, it } from "vitest";
import { renderApp } from "../../generators/render/app.js";
import type { AppSpec, BatchWorkloadSpec, ServiceWorkloadSpec } from "../../generators/spec/types.js";
import { clusterRunning, defineApp, sampleSpec } from "../support/fixtures.js";
import { findContainer, findObject } from "../support/rendered.js";

const job: BatchWorkloadSpec = {
  kind: "Job",
  name: "migrate",
  description: "one-off",
  image: { repository: "example/migrate", tag: "1.0.0" },
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
};

function withConfig(spec: AppSpec): AppSpec {
  const api = spec.components[0] as ServiceWorkloadSpec;
  return {
    ...spec,
    configMaps: [{ name: "cfg", data: { "app.yaml": "a: 1\n" } }],
    claims: [{ name: "models", size: "1Gi", description: "models" }],
    components: [
      {
        ...api,
        volumes: { cfg: { configMap: "cfg" }, models: { claim: "models" } },
        mounts: [
          { volume: "cfg", mountPath: "/etc/app" },
          { volume: "models", mountPath: "/models" },
        ],
      },
      ...spec.components.slice(1),
      job,
    ],
  };
}

const cluster = clusterRunning("sample");
const objects = renderApp(defineApp(withConfig(sampleSpec())), cluster);
const deployment = findObject(objects, "Deployment", "api");
const pod = deployment.spec.template.spec;
const api = findContainer(deployment, "api");

describe("when a spec leaves optional fields out", () => {
  it("should pull from docker.io", () => {
    expect(api.image).toBe("docker.io/example/api:1.2.3");
  });

  it("should serve each port on the same Service port over TCP, on a ClusterIP Service named after the component", () => {
    const service = findObject(objects, "Service", "api");
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.ports).toEqual([
      { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
      { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
    ]);
  });

  it("should scrape /metrics every 30s", () => {
    expect(findObject(objects, "ServiceMonitor", "api").spec.endpoints).toEqual([
      { port: "metrics", path: "/metrics", interval: "30s", scheme: "http" },
    ]);
  });

  it("should probe with no delay, every 10s, 1s timeout, 3 failures", () => {
    expect(api.livenessProbe).toEqual({
      httpGet: { path: "/health", port: "http" },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    });
  });

  it("should run as UID 10001 with the group and fsGroup following it", () => {
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
  });

  it("should name the ServiceAccount after the component", () => {
    expect(pod.serviceAccountName).toBe("api");
    expect(findObject(objects, "ServiceAccount", "api")).toBeDefined();
  });

  it("should roll out with one extra pod and none unavailable, and drain for 30s", () => {
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  it("should wait 300s before the HPA scales down", () => {
    expect(findObject(objects, "HorizontalPodAutoscaler", "api-hpa").spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  it("should claim ReadWriteOnce volumes of the standard class", () => {
    const claim = findObject(objects, "PersistentVolumeClaim", "models");
    expect(claim.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(claim.spec.storageClassName).toBe(cluster.storageClasses.standard);
    const template = findObject(objects, "StatefulSet", "cache").spec.volumeClaimTemplates[0];
    expect(template.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(template.spec.storageClassName).toBe(cluster.storageClasses.standard);
  });

  it("should mount ConfigMaps read-only and claims writable", () => {
    expect(api.volumeMounts).toEqual([
      { name: "cfg", mountPath: "/etc/app", readOnly: true },
      { name: "models", mountPath: "/models" },
    ]);
  });

  it("should route the whole host to the Service", () => {
    expect(findObject(objects, "Ingress", "api").spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(["/"]);
  });

  it("should retry a Job 3 times within an hour, never restarting its pod in place", () => {
    const rendered = findObject(objects, "Job", "migrate");
    expect(rendered.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600 });
    expect(rendered.spec.template.spec.restartPolicy).toBe("Never");
  });

  it("should label components as apps unless they say they are data stores", () => {
    expect(deployment.metadata.labels["app.kubernetes.io/component"]).toBe("app");
    expect(findObject(objects, "StatefulSet", "cache").metadata.labels["app.kubernetes.io/component"]).toBe("datastore");
    expect(findObject(objects, "Job", "migrate").metadata.labels["app.kubernetes.io/component"]).toBe("batch");
  });
});
