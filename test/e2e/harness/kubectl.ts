/**
 * The harness talks to its API server through the project-built kubectl
 * (the pinned Kubernetes release, not the machine's), with one server-side
 * apply field manager.
 */
import { execFile } from "node:child_process";
import { toolPath } from "../tools/catalog.js";

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

export class Kubectl {
  constructor(readonly kubeconfig: string) {}

  run(args: readonly string[], input?: string, timeoutMs = 120_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        toolPath("kubernetes", "kubectl"),
        ["--kubeconfig", this.kubeconfig, ...args],
        { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs },
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
    return JSON.parse(await this.run(["get", ...args, "-o", "json"])) as T;
  }

  async list<T = KubeObject>(resource: string, namespace?: string): Promise<T[]> {
    const ns = namespace === undefined ? ["--all-namespaces"] : ["-n", namespace];
    return (await this.getJson<{ items: T[] }>([resource, ...ns])).items;
  }
}
