/**
 * Lists and merge-patches straight against the API server, over one
 * keep-alive TLS connection with the kubeconfig's client certificate. The
 * harness polls the cluster about once a second while it waits and while a
 * drill runs; a kubectl process per poll costs about 0.3 s of CPU, which
 * with several clusters at once is most of the machine. Only the resources
 * the harness polls are here; everything else still goes through kubectl.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { parse } from "yaml";

/** Where a resource the harness lists lives, and the kind kubectl would stamp on each item. */
interface Served {
  readonly prefix: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const core = (plural: string, kind: string, namespaced = true): Served => ({ prefix: "/api/v1", plural, kind, namespaced });
const group = (gv: string, plural: string, kind: string, namespaced = true): Served => ({ prefix: `/apis/${gv}`, plural, kind, namespaced });

/** By the names kubectl takes (`plural` or `plural.group`). */
export const SERVED: Readonly<Record<string, Served>> = {
  nodes: core("nodes", "Node", false),
  pods: core("pods", "Pod"),
  events: core("events", "Event"),
  secrets: core("secrets", "Secret"),
  services: core("services", "Service"),
  configmaps: core("configmaps", "ConfigMap"),
  persistentvolumeclaims: core("persistentvolumeclaims", "PersistentVolumeClaim"),
  resourcequotas: core("resourcequotas", "ResourceQuota"),
  customresourcedefinitions: group("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false),
  "deployments.apps": group("apps/v1", "deployments", "Deployment"),
  "statefulsets.apps": group("apps/v1", "statefulsets", "StatefulSet"),
  "poddisruptionbudgets.policy": group("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget"),
  "horizontalpodautoscalers.autoscaling": group("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"),
  "ingresses.networking.k8s.io": group("networking.k8s.io/v1", "ingresses", "Ingress"),
  "applications.argoproj.io": group("argoproj.io/v1alpha1", "applications", "Application"),
};

/** An answer other than 2xx, with the API server's own message (kubectl prints the same). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The collection path of `resource` (all namespaces when `namespace` is undefined), with an optional label selector. */
export function collectionPath(resource: string, namespace?: string, labelSelector?: string): string {
  const s = SERVED[resource];
  if (!s) throw new Error(`${resource} is not a resource the harness lists directly; add it to SERVED in test/e2e/harness/api.ts`);
  const ns = s.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
  return `${s.prefix}${ns}/${s.plural}${query}`;
}

type Item = Record<string, unknown>;

/** Where the API server is and the files to trust it and to prove who we are. */
export interface Connection {
  readonly server: string;
  readonly caFile: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** The connection a harness kubeconfig (one cluster, one user with certificate files) describes. */
export function connectionOf(kubeconfig: string): Connection {
  const config = parse(readFileSync(kubeconfig, "utf8")) as {
    clusters?: { cluster?: { server?: string; "certificate-authority"?: string } }[];
    users?: { user?: { "client-certificate"?: string; "client-key"?: string } }[];
  };
  const cluster = config.clusters?.[0]?.cluster;
  const user = config.users?.[0]?.user;
  if (!cluster?.server || !cluster["certificate-authority"] || !user?.["client-certificate"] || !user["client-key"]) {
    throw new Error(`${kubeconfig}: needs a cluster with server and certificate-authority and a user with client-certificate and client-key files`);
  }
  return { server: cluster.server, caFile: cluster["certificate-authority"], clientCert: user["client-certificate"], clientKey: user["client-key"] };
}

export class ApiClient {
  private readonly agent: Agent;
  private readonly server: URL;

  constructor(connection: Connection) {
    this.server = new URL(connection.server);
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 4,
      ca: readFileSync(connection.caFile),
      cert: readFileSync(connection.clientCert),
      key: readFileSync(connection.clientKey),
    });
  }

  /** One request; the parsed JSON answer, or an ApiError carrying the server's message. */
  send(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: this.server.hostname,
          port: this.server.port,
          method,
          path,
          agent: this.agent,
          headers: { accept: "application/json", ...(payload === undefined ? {} : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }) },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve(JSON.parse(text));
              } catch (error) {
                reject(new Error(`${method} ${path}: the answer is not JSON: ${(error as Error).message}`));
              }
              return;
            }
            let message = text.trim();
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {
              // not a Status object: keep the text
            }
            reject(new ApiError(status, `${method} ${path}: ${status}: ${message}`));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 60s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Every item of `resource`, each with its apiVersion and kind as kubectl prints them. */
  async list<T = Item>(resource: string, namespace?: string, labelSelector?: string): Promise<T[]> {
    const answer = (await this.send("GET", collectionPath(resource, namespace, labelSelector))) as { items?: Item[] };
    // collectionPath has checked the resource is served.
    const { prefix, kind } = SERVED[resource] as Served;
    const apiVersion = prefix === "/api/v1" ? "v1" : prefix.replace(/^\/apis\//, "");
    return (answer.items ?? []).map((i) => ({ apiVersion, kind, ...i }) as T);
  }

  /** A JSON merge patch of one namespaced object (as `kubectl patch --type=merge`). */
  async mergePatch(resource: string, namespace: string, name: string, patch: unknown): Promise<void> {
    const path = collectionPath(resource, namespace).replace(/\?.*$/, "");
    await this.send("PATCH", `${path}/${encodeURIComponent(name)}`, patch, "application/merge-patch+json");
  }

  close(): void {
    this.agent.destroy();
  }
}
