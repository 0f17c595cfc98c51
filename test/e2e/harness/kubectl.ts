/**
 * The harness talks to its API server through the project-built kubectl
 * (the pinned Kubernetes release, not the machine's), with one server-side
 * apply field manager.
 */
import { execFile } from "node:child_process";
import { toolPath } from "../tools/catalog.js";
import { ApiClient, ApiError, connectionOf, SERVED } from "./api.js";

export const FIELD_MANAGER = "iot-fleet-e2e";

export class KubectlError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
};

/** `[resources, --all-namespaces]` or `[resources, -n, ns]` with every resource one the API client lists; else undefined. */
export function directList(args: readonly string[]): { resources: string[]; namespace?: string } | undefined {
  const [names, flag, ns, ...rest] = args;
  if (names === undefined || rest.length > 0) return undefined;
  const resources = names.split(",");
  if (!resources.every((r) => r in SERVED)) return undefined;
  if (flag === "--all-namespaces" && ns === undefined) return { resources };
  if (flag === "-n" && ns !== undefined) return { resources, namespace: ns };
  return undefined;
}

export class Kubectl {
  private api?: ApiClient;

  constructor(readonly kubeconfig: string) {}

  /** The polling path (lists, merge patches): straight to the API server, no process per call. */
  private client(): ApiClient {
    this.api ??= new ApiClient(connectionOf(this.kubeconfig));
    return this.api;
  }

  /** An API answer other than 2xx as the KubectlError callers already handle, with the server's message as stderr. */
  private async direct<T>(what: string, call: (api: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.client());
    } catch (error) {
      if (error instanceof ApiError) throw new KubectlError(`${what}: ${error.message}`, `${error.status === 404 ? "NotFound: " : ""}${error.message}`);
      throw error;
    }
  }

  run(args: readonly string[], input?: string, timeoutMs = 120_000, signal?: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        toolPath("kubernetes", "kubectl"),
        ["--kubeconfig", this.kubeconfig, ...args],
        { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, signal },
        (error, stdout, stderr) => {
          if (error) reject(new KubectlError(`kubectl ${args.join(" ")}: ${stderr.trim() || error.message}`, stderr));
          else resolve(stdout);
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  /**
   * Server-side apply of objects, as the harness's one field manager. They go
   * as JSON: kubectl reads YAML 1.1, where an unquoted `Off` from a YAML 1.2
   * writer would arrive as `false`.
   */
  async apply(objects: readonly KubeObject[], extra: readonly string[] = []): Promise<string> {
    const text = JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
    return this.run(["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--force-conflicts", ...extra, "-f", "-"], text);
  }

  async getJson<T = KubeObject>(args: readonly string[]): Promise<T> {
    const listing = directList(args);
    if (listing) {
      const lists = await Promise.all(listing.resources.map((r) => this.list(r, listing.namespace)));
      return { apiVersion: "v1", kind: "List", items: lists.flat() } as T;
    }
    return JSON.parse(await this.run(["get", ...args, "-o", "json"])) as T;
  }

  async list<T = KubeObject>(resource: string, namespace?: string, labelSelector?: string): Promise<T[]> {
    if (resource in SERVED) return this.direct(`list ${resource}`, (api) => api.list<T>(resource, namespace, labelSelector));
    const ns = namespace === undefined ? ["--all-namespaces"] : ["-n", namespace];
    const selector = labelSelector ? ["-l", labelSelector] : [];
    return (await this.getJson<{ items: T[] }>([resource, ...ns, ...selector])).items;
  }

  /** A JSON merge patch of one namespaced object, as `kubectl patch --type=merge` does it. */
  async mergePatch(resource: string, namespace: string, name: string, patch: unknown): Promise<void> {
    await this.direct(`patch ${resource} ${namespace}/${name}`, (api) => api.mergePatch(resource, namespace, name, patch));
  }

  /** Closes the API client's kept-alive connection (the process can then exit on its own). */
  close(): void {
    this.api?.close();
    this.api = undefined;
  }
}
