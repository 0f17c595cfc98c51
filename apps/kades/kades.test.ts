import { beforeAll, describe, expect, it } from "vitest";
import { prod } from "../../generators/fleet/clusters.js";
import type { KubeObject } from "../../generators/render/app.js";
import { envVar, findContainer, findObject, podSpec, quantity, renderedApp } from "../../test/support/rendered.js";

// Expected figures are typed from the KADES deployment guide
// (shared/seeds/004_f1f8f2e7646b4d72.txt), never copied from rendered output.

/* eslint-disable @typescript-eslint/no-explicit-any */

function normalised(resources: any): any {
  const side = (a: any): any => ({ cpu: quantity(a.cpu), memory: quantity(a.memory) });
  return { requests: side(resources.requests), limits: side(resources.limits) };
}

function guideResources(requests: [string, string], limits: [string, string]): any {
  return normalised({
    requests: { cpu: requests[0], memory: requests[1] },
    limits: { cpu: limits[0], memory: limits[1] },
  });
}

/** A container port given by number or by name, as a number. */
function containerPort(container: any, port: string | number): number {
  if (typeof port === "number") return port;
  const found = (container.ports ?? []).find((p: any) => p.name === port);
  if (!found) throw new Error(`no port ${port} in container ${container.name}`);
  return found.containerPort;
}

function isWorkload(o: KubeObject): boolean {
  return ["Deployment", "StatefulSet", "Job", "CronJob"].includes(o.kind);
}

const ANALYTICS_SELECTOR = { "node.iot-fleet.io/pool": "analytics" };
const ANALYTICS_TOLERATION = { key: "dedicated", operator: "Equal", value: "analytics", effect: "NoSchedule" };

const FLUENT_CONF = `<match kubernetes.**>
  @type elasticsearch
  host elasticsearch-logging
  port 9200
  logstash_format true
  logstash_prefix k8s
  <buffer>
    flush_interval 5s
  </buffer>
</match>
`;

describe("when rendering for prod", () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedApp("kades", "prod");
  });

  it("should label the kades namespace as the guide does", () => {
    const ns = findObject(objects, "Namespace", "kades");
    expect(ns.metadata.labels).toMatchObject({ name: "kades", environment: "production", monitoring: "enabled" });
  });

  describe("the API", () => {
    let deployment: any;
    let container: any;
    beforeAll(() => {
      deployment = findObject(objects, "Deployment", "kades-api");
      container = findContainer(deployment, "kades-api");
    });

    it("should expose http 80->8000 and websocket 8080->8080 on a LoadBalancer Service", () => {
      const service = findObject(objects, "Service", "kades-api");
      expect(service.spec.type).toBe("LoadBalancer");
      const ports = service.spec.ports.map((p: any) => ({
        name: p.name,
        port: p.port,
        targetPort: containerPort(container, p.targetPort),
      }));
      expect(ports).toEqual(
        expect.arrayContaining([
          { name: "http", port: 80, targetPort: 8000 },
          { name: "websocket", port: 8080, targetPort: 8080 },
        ]),
      );
    });

    it("should run 3 replicas of a pinned kades/api image", () => {
      expect(deployment.spec.replicas).toBe(3);
      expect(container.image).toMatch(/^docker\.io\/kades\/api:[0-9]+\.[0-9]+\.[0-9]+$/);
      expect(container.image).not.toMatch(/:latest$/);
    });

    it("should listen on 8000 and 8080", () => {
      expect(container.ports.map((p: any) => p.containerPort)).toEqual(expect.arrayContaining([8000, 8080]));
    });

    it("should request 1 CPU / 2Gi and be limited to 2 CPU / 4Gi", () => {
      expect(normalised(container.resources)).toEqual(guideResources(["1", "2Gi"], ["2", "4Gi"]));
    });

    it("should probe /health for liveness and /ready for readiness on 8000", () => {
      const liveness = container.livenessProbe;
      expect(liveness.httpGet.path).toBe("/health");
      expect(containerPort(container, liveness.httpGet.port)).toBe(8000);
      expect(liveness).toMatchObject({ initialDelaySeconds: 30, periodSeconds: 10 });
      const readiness = container.readinessProbe;
      expect(readiness.httpGet.path).toBe("/ready");
      expect(containerPort(container, readiness.httpGet.port)).toBe(8000);
      expect(readiness).toMatchObject({ initialDelaySeconds: 15, periodSeconds: 5 });
    });

    it("should read DATABASE_URL from kades-secrets/database-url", () => {
      expect(envVar(container, "DATABASE_URL")).toEqual({
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: "kades-secrets", key: "database-url" } },
      });
    });

    it("should load kades-config as environment", () => {
      expect(container.envFrom).toEqual(expect.arrayContaining([{ configMapRef: { name: "kades-config" } }]));
    });

    it("should roll out with one surge pod and none unavailable", () => {
      expect(deployment.spec.strategy).toEqual({
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    });

    it("should autoscale 3-10 on CPU 70% and memory 80%", () => {
      const hpa = findObject(objects, "HorizontalPodAutoscaler", "kades-api-hpa");
      expect(hpa.spec.scaleTargetRef).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", name: "kades-api" });
      expect(hpa.spec.minReplicas).toBe(3);
      expect(hpa.spec.maxReplicas).toBe(10);
      const targets = Object.fromEntries(
        hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]),
      );
      expect(targets).toEqual({ cpu: 70, memory: 80 });
    });

    it("should be scraped on http /metrics every 15s", () => {
      const monitor = findObject(objects, "ServiceMonitor", "kades-api");
      expect(monitor.spec.endpoints).toEqual(
        expect.arrayContaining([expect.objectContaining({ port: "http", path: "/metrics", interval: "15s" })]),
      );
    });

    it("should be reachable through the ingress controller", () => {
      const ingress = findObject(objects, "Ingress", "kades-api");
      const rule = ingress.spec.rules[0];
      expect(rule.host).toBe(`kades.${prod.domain}`);
      expect(rule.http.paths[0].backend.service).toEqual({ name: "kades-api", port: { name: "http" } });
    });

    it("should route websocket clients through the ingress controller to the websocket port", () => {
      const ingress = findObject(objects, "Ingress", "kades-api-websocket");
      const rule = ingress.spec.rules[0];
      expect(rule.host).toBe(`kades-ws.${prod.domain}`);
      expect(rule.http.paths[0].backend.service).toEqual({ name: "kades-api", port: { name: "websocket" } });
    });
  });

  describe("TimescaleDB", () => {
    let statefulSet: any;
    let container: any;
    beforeAll(() => {
      statefulSet = findObject(objects, "StatefulSet", "timescaledb");
      container = findContainer(statefulSet, "timescaledb");
    });

    it("should run 2 replicas of a pinned pg14 image", () => {
      expect(statefulSet.spec.replicas).toBe(2);
      expect(container.image).toMatch(/^docker\.io\/timescale\/timescaledb:[0-9]+\.[0-9]+\.[0-9]+-pg14$/);
      expect(container.ports.map((p: any) => p.containerPort)).toContain(5432);
    });

    it("should request 2 CPU / 8Gi and be limited to 4 CPU / 16Gi", () => {
      expect(normalised(container.resources)).toEqual(guideResources(["2", "8Gi"], ["4", "16Gi"]));
    });

    it("should claim 100Gi per replica mounted at /var/lib/postgresql/data", () => {
      const templates = statefulSet.spec.volumeClaimTemplates;
      expect(templates).toHaveLength(1);
      const template = templates[0];
      expect(template.spec.accessModes).toEqual(["ReadWriteOnce"]);
      expect(quantity(template.spec.resources.requests.storage)).toBe(quantity("100Gi"));
      const mount = container.volumeMounts.find((m: any) => m.name === template.metadata.name);
      expect(mount.mountPath).toBe("/var/lib/postgresql/data");
    });
  });

  describe("Redis", () => {
    let statefulSet: any;
    let container: any;
    beforeAll(() => {
      statefulSet = findObject(objects, "StatefulSet", "redis");
      container = findContainer(statefulSet, "redis");
    });

    it("should run 3 replicas of a pinned 6.2 alpine image on 6379", () => {
      expect(statefulSet.spec.replicas).toBe(3);
      expect(container.image).toMatch(/^docker\.io\/library\/redis:6\.2\.[0-9]+-alpine$/);
      expect(container.ports.map((p: any) => p.containerPort)).toContain(6379);
    });

    it("should request 0.5 CPU / 1Gi and be limited to 1 CPU / 2Gi", () => {
      expect(normalised(container.resources)).toEqual(guideResources(["0.5", "1Gi"], ["1", "2Gi"]));
    });
  });

  describe("the chain-analysis workers", () => {
    let deployment: any;
    let container: any;
    beforeAll(() => {
      deployment = findObject(objects, "Deployment", "chain-analysis");
      container = findContainer(deployment, "chain-analysis");
    });

    it("should run 3 replicas of a pinned kades/chain-analysis image", () => {
      expect(deployment.spec.replicas).toBe(3);
      expect(container.image).toMatch(/^docker\.io\/kades\/chain-analysis:[0-9]+\.[0-9]+\.[0-9]+$/);
    });

    it("should request 2 CPU / 4Gi and be limited to 4 CPU / 8Gi", () => {
      expect(normalised(container.resources)).toEqual(guideResources(["2", "4Gi"], ["4", "8Gi"]));
    });

    it("should be placed on the tainted analytics nodes", () => {
      const pod = podSpec(deployment);
      expect(pod.nodeSelector).toMatchObject(ANALYTICS_SELECTOR);
      expect(pod.tolerations).toEqual(expect.arrayContaining([expect.objectContaining(ANALYTICS_TOLERATION)]));
    });

    it("should have liveness and readiness probes", () => {
      expect(container.livenessProbe).toBeDefined();
      expect(container.readinessProbe).toBeDefined();
    });

    it("should have no Service", () => {
      const services = objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name);
      expect(services).not.toContain("chain-analysis");
    });
  });

  it("should keep the API off the analytics nodes", () => {
    const pod = podSpec(findObject(objects, "Deployment", "kades-api"));
    expect(pod.nodeSelector).toMatchObject({ "node.iot-fleet.io/pool": "standard" });
    expect(pod.tolerations ?? []).toEqual([]);
  });

  describe("network policy", () => {
    const INGRESS_CONTROLLER = { "kubernetes.io/metadata.name": "ingress-nginx" };

    function policyFor(component: string): any {
      return objects.find(
        (o: any) =>
          o.kind === "NetworkPolicy" && o.spec.podSelector?.matchLabels?.["app.kubernetes.io/name"] === component,
      );
    }

    function ingressControllerPorts(policy: any): number[] {
      return (policy?.spec.ingress ?? [])
        .filter((rule: any) =>
          (rule.from ?? []).some((peer: any) => {
            const labels = peer.namespaceSelector?.matchLabels ?? {};
            return Object.entries(INGRESS_CONTROLLER).every(([k, v]) => labels[k] === v);
          }),
        )
        .flatMap((rule: any) => rule.ports.map((p: any) => p.port))
        .sort((a: number, b: number) => a - b);
    }

    it("should admit the ingress controller to the API on 8000 and 8080 only", () => {
      expect(ingressControllerPorts(policyFor("kades-api"))).toEqual([8000, 8080]);
    });

    it("should not admit the ingress controller to the chain-analysis workers", () => {
      expect(ingressControllerPorts(policyFor("chain-analysis"))).toEqual([]);
    });

    it.each(["kades-api", "chain-analysis"])("should let %s reach TimescaleDB on 5432 and Redis on 6379", (name) => {
      const egress = policyFor(name).spec.egress;
      const reach = egress.flatMap((rule: any) =>
        rule.to.flatMap((peer: any) =>
          rule.ports.map((p: any) => `${peer.podSelector?.matchLabels?.["app.kubernetes.io/name"]}:${p.port}`),
        ),
      );
      expect(reach).toEqual(expect.arrayContaining(["timescaledb:5432", "redis:6379"]));
    });

    it.each(["db-backup", "db-migration"])("should let %s reach TimescaleDB on 5432", (name) => {
      const egress = policyFor(name).spec.egress;
      expect(egress).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            to: [{ podSelector: { matchLabels: expect.objectContaining({ "app.kubernetes.io/name": "timescaledb" }) } }],
            ports: [expect.objectContaining({ port: 5432 })],
          }),
        ]),
      );
    });
  });

  it("should apply the guide's namespace quota exactly", () => {
    const quota = findObject(objects, "ResourceQuota", "kades-quota");
    const hard = quota.spec.hard;
    expect(quantity(hard["requests.cpu"])).toBe(32);
    expect(quantity(hard["requests.memory"])).toBe(quantity("64Gi"));
    expect(quantity(hard["limits.cpu"])).toBe(64);
    expect(quantity(hard["limits.memory"])).toBe(quantity("128Gi"));
    expect(quantity(hard.pods)).toBe(50);
  });

  describe("the nightly backup", () => {
    let cronJob: any;
    let container: any;
    beforeAll(() => {
      cronJob = findObject(objects, "CronJob", "db-backup");
      container = findContainer(cronJob, "db-backup");
    });

    it("should run at 02:00 every day", () => {
      expect(cronJob.spec.schedule).toBe("0 2 * * *");
    });

    it("should run a pinned kades/db-backup image with BACKUP_DIR=/backups", () => {
      expect(container.image).toMatch(/^docker\.io\/kades\/db-backup:[0-9]+\.[0-9]+\.[0-9]+$/);
      expect(envVar(container, "BACKUP_DIR")).toEqual({ name: "BACKUP_DIR", value: "/backups" });
    });

    it("should write to backup-pvc mounted at /backups", () => {
      const volume = podSpec(cronJob).volumes.find((v: any) => v.persistentVolumeClaim?.claimName === "backup-pvc");
      expect(volume).toBeDefined();
      const mount = container.volumeMounts.find((m: any) => m.name === volume.name);
      expect(mount.mountPath).toBe("/backups");
      findObject(objects, "PersistentVolumeClaim", "backup-pvc");
    });
  });

  describe("the migration Job", () => {
    it("should read DATABASE_URL from kades-secrets and never restart in place", () => {
      const job = findObject(objects, "Job", "db-migration");
      const container = findContainer(job, "db-migration");
      expect(container.image).toMatch(/^docker\.io\/kades\/migrations:[0-9]+\.[0-9]+\.[0-9]+$/);
      expect(envVar(container, "DATABASE_URL")).toEqual({
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: "kades-secrets", key: "database-url" } },
      });
      expect(podSpec(job).restartPolicy).toBe("Never");
    });
  });

  describe("configuration", () => {
    it("should render kades-config as the guide gives it", () => {
      expect(findObject(objects, "ConfigMap", "kades-config").data).toEqual({
        ENVIRONMENT: "production",
        LOG_LEVEL: "info",
        MAX_CONNECTIONS: "1000",
        CACHE_TTL: "300",
      });
    });

    it("should render fluentd-config with the guide's fluent.conf", () => {
      expect(findObject(objects, "ConfigMap", "fluentd-config").data).toEqual({ "fluent.conf": FLUENT_CONF });
    });

    it("should reference kades-secrets through an ExternalSecret with the guide's three keys", () => {
      const external = findObject(objects, "ExternalSecret", "kades-secrets");
      const keys = external.spec.data.map((d: any) => d.secretKey).sort();
      expect(keys).toEqual(["api-key", "database-url", "jwt-secret"]);
    });

    it("should render no Secret", () => {
      expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    });
  });

  describe("alerts", () => {
    let rules: any[];
    beforeAll(() => {
      rules = findObject(objects, "PrometheusRule", "kades-alerts").spec.groups[0].rules;
    });

    it("should define the API, error-rate, backup and database alerts", () => {
      expect(rules.map((r) => r.alert).sort()).toEqual(
        ["KadesApiDown", "KadesBackupMissing", "KadesHighErrorRate", "TimescaleDBDown"].sort(),
      );
    });

    it.each(["KadesApiDown", "KadesBackupMissing", "KadesHighErrorRate", "TimescaleDBDown"])(
      "should scope %s to the kades namespace with a summary and description",
      (name) => {
        const rule = rules.find((r) => r.alert === name);
        expect(rule.expr).toContain('namespace="kades"');
        expect(rule.annotations.summary).toBeTruthy();
        expect(rule.annotations.description).toBeTruthy();
        expect(["critical", "warning", "info"]).toContain(rule.labels.severity);
      },
    );

    it("should page when an API instance has been down for a minute", () => {
      const rule = rules.find((r) => r.alert === "KadesApiDown");
      expect(rule).toMatchObject({ for: "1m", labels: { severity: "critical" } });
    });
  });

  it("should run every container non-root on a read-only root filesystem", () => {
    for (const workload of objects.filter(isWorkload)) {
      const pod = podSpec(workload);
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        expect(runAsNonRoot, `${workload.metadata.name}/${container.name}`).toBe(true);
        expect(container.securityContext?.readOnlyRootFilesystem, `${workload.metadata.name}/${container.name}`).toBe(
          true,
        );
      }
    }
  });

  it("should run the KADES pods as UID 10001", () => {
    for (const name of ["kades-api", "chain-analysis"]) {
      expect(podSpec(findObject(objects, "Deployment", name)).securityContext.runAsUser).toBe(10001);
    }
  });
});

describe.each([
  // cluster, tier, api replicas, HPA min, HPA max, TimescaleDB, Redis, chain-analysis
  ["dev", "development", 1, 1, 3, 1, 1, 1],
  ["staging", "staging", 2, 2, 5, 2, 3, 2],
  ["prod", "production", 3, 3, 10, 2, 3, 3],
] as const)("when rendering for %s", (cluster, tier, api, hpaMin, hpaMax, timescale, redis, workers) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedApp("kades", cluster);
  });

  it(`should run ${api} API replicas autoscaling ${hpaMin}-${hpaMax}`, () => {
    expect(findObject(objects, "Deployment", "kades-api").spec.replicas).toBe(api);
    const hpa = findObject(objects, "HorizontalPodAutoscaler", "kades-api-hpa");
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([hpaMin, hpaMax]);
  });

  it(`should run ${timescale} TimescaleDB, ${redis} Redis and ${workers} chain-analysis replicas`, () => {
    expect(findObject(objects, "StatefulSet", "timescaledb").spec.replicas).toBe(timescale);
    expect(findObject(objects, "StatefulSet", "redis").spec.replicas).toBe(redis);
    expect(findObject(objects, "Deployment", "chain-analysis").spec.replicas).toBe(workers);
  });

  it("should keep the guide's per-container resources for the API", () => {
    const container = findContainer(findObject(objects, "Deployment", "kades-api"), "kades-api");
    expect(normalised(container.resources)).toEqual(guideResources(["1", "2Gi"], ["2", "4Gi"]));
  });

  it(`should label the namespace and kades-config with environment ${tier}`, () => {
    expect(findObject(objects, "Namespace", "kades").metadata.labels.environment).toBe(tier);
    expect(findObject(objects, "ConfigMap", "kades-config").data.ENVIRONMENT).toBe(tier);
  });
});

describe.each(["dev", "staging"])("when rendering for %s (no analytics pool)", (cluster) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedApp("kades", cluster);
  });

  it("should place chain-analysis on the default pool without the analytics toleration", () => {
    const pod = podSpec(findObject(objects, "Deployment", "chain-analysis"));
    expect(pod.nodeSelector).toMatchObject({ "node.iot-fleet.io/pool": "standard" });
    expect(pod.tolerations ?? []).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ key: "dedicated", value: "analytics" })]),
    );
  });

  it("should not apply the production quota figures", () => {
    const hard = findObject(objects, "ResourceQuota", "kades-quota").spec.hard;
    expect(quantity(hard["requests.cpu"])).not.toBe(32);
  });
});

describe("when rendering for kind", () => {
  it("should cap every container to the kind profile's small limits", () => {
    const objects = renderedApp("kades", "kind");
    const container = findContainer(findObject(objects, "Deployment", "chain-analysis"), "chain-analysis");
    expect(quantity(container.resources.limits.cpu)).toBeLessThanOrEqual(quantity("500m"));
    expect(quantity(container.resources.limits.memory)).toBeLessThanOrEqual(quantity("512Mi"));
  });
});
