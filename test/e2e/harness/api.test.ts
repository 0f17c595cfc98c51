// The direct API client against a small HTTPS server on loopback that, like
// the API server, requires a client certificate from the cluster CA, answers
// lists without kind/apiVersion on the items and a Status on failure.
import { readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAnnotations, missingAnnotations, type HpaView } from "../drills/load.js";
import { freePort, tempDirs } from "../test-support.js";
import { ApiClient, collectionPath, connectionOf } from "./api.js";
import { directList, Kubectl, KubectlError } from "./kubectl.js";
import { createPki } from "./pki.js";

const temps = tempDirs("e2e-api");
const seen: { method: string; path: string; contentType?: string; body: string }[] = [];
let server: Server;
let kubeconfig: string;
let kubectl: Kubectl;

const body = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => resolve(text));
  });

beforeAll(async () => {
  const dir = temps.make("pki");
  const pki = await createPki(dir, "10.96.0.1");
  const admin = await pki.client("admin", "system:masters");
  server = createServer({ cert: readFileSync(pki.apiserver.cert), key: readFileSync(pki.apiserver.key), ca: readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true }, async (req, res) => {
    const text = await body(req);
    seen.push({ method: req.method ?? "", path: req.url ?? "", contentType: req.headers["content-type"], body: text });
    const send = (status: number, o: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(o));
    if (req.url?.startsWith("/apis/argoproj.io/")) return send(404, { kind: "Status", status: "Failure", reason: "NotFound", code: 404, message: "the server could not find the requested resource" });
    if (req.url === "/api/v1/nodes") return send(200, { kind: "NodeList", items: [{ metadata: { name: "standard-0" } }] });
    if (req.url?.startsWith("/api/v1/namespaces/iot/pods")) return send(200, { kind: "PodList", items: [{ metadata: { name: "api-1", namespace: "iot" } }] });
    if (req.url === "/apis/apps/v1/deployments") return send(200, { kind: "DeploymentList", items: [{ metadata: { name: "api", namespace: "iot" } }] });
    if (req.method === "PATCH") return send(200, {});
    send(500, { message: `unexpected ${req.method} ${req.url}` });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  kubeconfig = join(dir, "admin.kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: https://127.0.0.1:${port}\n    certificate-authority: ${pki.ca}\n` +
      `users:\n- name: admin\n  user:\n    client-certificate: ${admin.cert}\n    client-key: ${admin.key}\ncontexts:\n- name: e2e\n  context: {cluster: e2e, user: admin}\ncurrent-context: e2e\n`,
  );
  kubectl = new Kubectl(kubeconfig);
});

afterAll(async () => {
  kubectl?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  temps.removeAll();
});

describe("the direct API client", () => {
  it("should build the collection path of a core, a grouped, a cluster-scoped resource and a label selector", () => {
    expect(collectionPath("pods")).toBe("/api/v1/pods");
    expect(collectionPath("pods", "iot", "app=api,tier=web")).toBe("/api/v1/namespaces/iot/pods?labelSelector=app%3Dapi%2Ctier%3Dweb");
    expect(collectionPath("statefulsets.apps", "iot")).toBe("/apis/apps/v1/namespaces/iot/statefulsets");
    expect(collectionPath("nodes", "iot")).toBe("/api/v1/nodes");
  });

  it("should refuse a resource it does not serve, naming where to add it", () => {
    expect(() => collectionPath("cronjobs.batch")).toThrow(/cronjobs.batch is not a resource the harness lists directly; add it to SERVED/);
  });

  it("should read the connection from a kubeconfig and refuse one without certificate files", () => {
    expect(connectionOf(kubeconfig).server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const bad = join(temps.make("bad"), "kubeconfig");
    writeFileSync(bad, "apiVersion: v1\nclusters: []\nusers: []\n");
    expect(() => connectionOf(bad)).toThrow(/needs a cluster with server and certificate-authority and a user with client-certificate and client-key files/);
  });

  it("should stamp each listed item with the apiVersion and kind kubectl prints", async () => {
    expect(await kubectl.list("nodes")).toEqual([{ apiVersion: "v1", kind: "Node", metadata: { name: "standard-0" } }]);
    const api = new ApiClient(connectionOf(kubeconfig));
    try {
      expect(await api.list("deployments.apps")).toEqual([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "iot" } }]);
    } finally {
      api.close();
    }
  });

  it("should answer a comma list across namespaces as one List, as kubectl get does", async () => {
    const list = await kubectl.getJson<{ kind: string; items: { kind: string }[] }>(["nodes,deployments.apps", "--all-namespaces"]);
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => i.kind)).toEqual(["Node", "Deployment"]);
  });

  it("should turn a 404 into the KubectlError callers handle, with NotFound and the server's message", async () => {
    const error = await kubectl.list("applications.argoproj.io", "argocd").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlError);
    expect((error as KubectlError).stderr).toMatch(/^NotFound: GET \/apis\/argoproj.io\/v1alpha1\/namespaces\/argocd\/applications: 404: the server could not find the requested resource/);
  });

  it("should send a merge patch with its content type", async () => {
    await kubectl.mergePatch("pods", "iot", "api-1", { metadata: { annotations: { a: "1", b: null } } });
    const patch = seen.find((s) => s.method === "PATCH");
    expect(patch).toEqual({ method: "PATCH", path: "/api/v1/namespaces/iot/pods/api-1", contentType: "application/merge-patch+json", body: '{"metadata":{"annotations":{"a":"1","b":null}}}' });
  });

  it("should leave to kubectl what is not a plain listing", () => {
    expect(directList(["pods", "--all-namespaces"])).toEqual({ resources: ["pods"] });
    expect(directList(["pods,nodes", "-n", "iot"])).toEqual({ resources: ["pods", "nodes"], namespace: "iot" });
    expect(directList(["configmap", "settings", "-n", "iot"])).toBeUndefined();
    expect(directList(["cronjobs.batch", "--all-namespaces"])).toBeUndefined();
    expect(directList(["pods", "-n"])).toBeUndefined();
  });
});

describe("the load the drills put on pods", () => {
  const hpa: HpaView = { key: "HorizontalPodAutoscaler/iot/api", namespace: "iot", name: "api", target: "Deployment/iot/api", min: 1, max: 4, current: 1, customMetrics: ["http_requests_per_second"] };

  it("should patch only what a pod lacks, and nothing once it carries the load", () => {
    const want = loadAnnotations(hpa, true);
    expect(Object.keys(want)).toHaveLength(3);
    const partly = { "kwok.x-k8s.io/usage-cpu": want["kwok.x-k8s.io/usage-cpu"] ?? "" };
    expect(Object.keys(missingAnnotations(partly, want))).toEqual(["kwok.x-k8s.io/usage-memory", expect.stringMatching(/http_requests_per_second$/)]);
    const full = Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v ?? ""]));
    expect(missingAnnotations(full, want)).toEqual({});
  });

  it("should remove each load annotation a pod still carries when the load is taken away", () => {
    const off = loadAnnotations(hpa, false);
    expect(missingAnnotations({ "kwok.x-k8s.io/usage-cpu": "64", other: "kept" }, off)).toEqual({ "kwok.x-k8s.io/usage-cpu": null });
    expect(missingAnnotations({ other: "kept" }, off)).toEqual({});
  });
});
