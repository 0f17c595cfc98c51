// The Vault stand-in against the calls external-secrets' Vault provider
// makes, with a fake TokenReview endpoint (a small HTTPS server on loopback
// that requires a client certificate) standing in for the API server, and
// the certificate the git proxy issues for Vault's host. One test goes the
// way the controller does: curl through the proxy's tunnel, trusting only
// the proxy's CA.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, tempDirs } from "../test-support.js";
import { createHostCertificates } from "../git/certificates.js";
import { isolatedGitEnv } from "../git/git-env.js";
import { startGitProxy, type GitProxy } from "../git/proxy.js";
import { buildRepository } from "../git/repository.js";
import { standInSecretValue, startVaultStandIn, VaultStandInError, type VaultStandIn, type VaultStandInProps } from "./vault.js";

const execFileAsync = promisify(execFile);

const VAULT_HOST = "vault.iot-fleet.internal";
const KADES = "iot-fleet/prod/kades/kades-secrets";
const GRAFANA = "iot-fleet/prod/monitoring/grafana-admin";
const SA = "system:serviceaccount:external-secrets:external-secrets";

/** The fake API server's tokens: JWT to the TokenReview status it answers. */
const REVIEWS: Record<string, { authenticated: boolean; user?: { username: string; uid: string }; error?: string }> = {
  "jwt-external-secrets": { authenticated: true, user: { username: SA, uid: "uid-eso" } },
  "jwt-other-name": { authenticated: true, user: { username: "system:serviceaccount:external-secrets:default", uid: "uid-default" } },
  "jwt-other-namespace": { authenticated: true, user: { username: "system:serviceaccount:kades:external-secrets", uid: "uid-kades" } },
  "jwt-a-user": { authenticated: true, user: { username: "admin", uid: "" } },
  "jwt-expired": { authenticated: false, error: "[invalid bearer token, service account token has expired]" },
};
/** A JWT the fake API server refuses to review at all (the client certificate lacking the right, say). */
const FORBIDDEN_REVIEW = "jwt-review-forbidden";

const temps = tempDirs("e2e-vault");
const temp = (name: string): string => temps.make(name);


interface Review {
  /** CN of the client certificate the stand-in presented. */
  readonly clientCN: string;
  readonly path: string;
  readonly body: unknown;
}

let proxy: GitProxy;
let apiServer: HttpsServer;
let apiServerCa: string;
let reviewer: { cert: string; key: string };
let apiServerURL: string;
const reviews: Review[] = [];
let vault: VaultStandIn;
let props: VaultStandInProps;

interface Answer {
  readonly status: number;
  readonly body: { errors?: string[]; auth?: Record<string, unknown>; data?: Record<string, unknown> } & Record<string, unknown>;
  readonly raw: string;
}

/** An HTTPS request to the stand-in as Vault's host, verifying its certificate with the proxy's CA. */
function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port: vault.port,
        servername: VAULT_HOST,
        ca: readFileSync(proxy.caFile),
        method,
        path,
        agent: false,
        headers: { ...(opts.token ? { "X-Vault-Token": opts.token } : {}), ...(payload ? { "Content-Type": "application/json" } : {}) },
      },
      (res) => {
        let raw = "";
        res.on("data", (d: Buffer) => (raw += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: raw === "" ? {} : (JSON.parse(raw) as Answer["body"]), raw }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function login(jwt: string, role = "external-secrets", mount = "kubernetes-prod"): Promise<Answer> {
  return call("PUT", `/v1/auth/${mount}/login`, { body: { jwt, role } });
}

async function token(): Promise<string> {
  const answer = await login("jwt-external-secrets");
  expect(answer.status).toBe(200);
  return answer.body.auth?.["client_token"] as string;
}

beforeAll(async () => {
  // The proxy issues Vault's certificate; its tunnel points at the port the stand-in takes.
  const source = temp("source");
  writeFileSync(join(source, "kustomization.yaml"), "resources: []\n");
  const { gitDir } = await buildRepository({ workDir: temp("repo"), files: [{ repoPath: "clusters/prod", sourceDir: source }], branch: "main" });
  const vaultPort = await freePort();
  proxy = await startGitProxy({ workDir: temp("proxy"), repoURL: "https://github.com/iot-platform/iot-fleet-gitops.git", gitDir, tunnels: [{ host: `${VAULT_HOST}:8200`, port: vaultPort }] });

  // The fake API server: its own CA and serving certificate for 127.0.0.1, and a self-signed client certificate it trusts.
  const apiDir = temp("apiserver");
  const apiCerts = await createHostCertificates(join(apiDir, "serving"), "127.0.0.1");
  apiServerCa = apiCerts.caFile;
  const clientDir = join(apiDir, "client");
  mkdirSync(clientDir);
  await execFileAsync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=vault-token-reviewer", "-addext", "extendedKeyUsage=clientAuth", "-keyout", "client.key", "-out", "client.crt"],
    { cwd: clientDir },
  );
  reviewer = { cert: join(clientDir, "client.crt"), key: join(clientDir, "client.key") };
  apiServer = createHttpsServer({ cert: apiCerts.cert, key: apiCerts.key, ca: readFileSync(reviewer.cert), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw) as { spec?: { token?: string } };
      const clientCN = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "");
      reviews.push({ clientCN, path: req.url ?? "", body });
      const jwt = body.spec?.token ?? "";
      if (req.method !== "POST" || req.url !== "/apis/authentication.k8s.io/v1/tokenreviews" || jwt === FORBIDDEN_REVIEW) {
        res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403 }));
        return;
      }
      const status = REVIEWS[jwt] ?? { authenticated: false, error: "[invalid bearer token, token lookup failed]" };
      res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: jwt }, status }));
    });
  });
  await new Promise<void>((resolve) => apiServer.listen(0, "127.0.0.1", resolve));
  apiServerURL = `https://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;

  const certs = proxy.hostCertificates[VAULT_HOST];
  if (!certs) throw new Error(`the proxy issued no certificate for ${VAULT_HOST}`);
  props = {
    port: vaultPort,
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    cluster: "prod",
    kubernetes: { server: apiServerURL, caFile: apiServerCa, clientCert: reviewer.cert, clientKey: reviewer.key },
    authMount: "kubernetes-prod",
    role: "external-secrets",
    serviceAccount: { namespace: "external-secrets", name: "external-secrets" },
    kvMount: "secret",
    secrets: { [KADES]: ["api-key", "database-url", "jwt-secret"], [GRAFANA]: ["admin-password"] },
  };
  vault = await startVaultStandIn(props);
});

afterAll(async () => {
  await vault?.stop();
  await proxy?.stop();
  await new Promise<void>((resolve) => (apiServer ? apiServer.close(() => resolve()) : resolve()));
  temps.removeAll();
});

describe("when external-secrets logs in with Kubernetes auth", () => {
  it("should give the configured service account and role a token with a lease, after a real TokenReview with the client certificate", async () => {
    const before = reviews.length;
    const answer = await login("jwt-external-secrets");
    expect(answer.status).toBe(200);
    const auth = answer.body.auth ?? {};
    expect(auth["client_token"]).toMatch(/^hvs\.[A-Za-z0-9_-]{32}$/);
    expect(auth).toMatchObject({
      lease_duration: 3600,
      renewable: true,
      token_type: "service",
      policies: ["default", "iot-fleet-prod-read"],
      metadata: { role: "external-secrets", service_account_name: "external-secrets", service_account_namespace: "external-secrets", service_account_uid: "uid-eso" },
    });
    expect(reviews.slice(before)).toEqual([
      {
        clientCN: "vault-token-reviewer",
        path: "/apis/authentication.k8s.io/v1/tokenreviews",
        body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "jwt-external-secrets" } },
      },
    ]);
    expect(vault.requests).toContainEqual({ method: "PUT", path: "/v1/auth/kubernetes-prod/login", status: 200, serviceAccount: "external-secrets/external-secrets" });
  });

  it("should give a new random token on every login", async () => {
    expect(await token()).not.toBe(await token());
  });

  it("should accept POST as Vault does for writes", async () => {
    expect((await call("POST", "/v1/auth/kubernetes-prod/login", { body: { role: "external-secrets", jwt: "jwt-external-secrets" } })).status).toBe(200);
  });

  describe.each([
    ["another service account's token", "jwt-other-name", "external-secrets", 403, "service account name not authorized", /bound to external-secrets\/external-secrets only; the token is external-secrets\/default/],
    ["the right name in another namespace", "jwt-other-namespace", "external-secrets", 403, "namespace not authorized", /the token is kades\/external-secrets/],
    ["a user's token, not a service account's", "jwt-a-user", "external-secrets", 403, "permission denied", /belongs to admin, not a service account/],
    ["a token the TokenReview calls unauthenticated", "jwt-expired", "external-secrets", 403, "permission denied", /TokenReview: not authenticated \(\[invalid bearer token, service account token has expired\]\)/],
    ["a token the API server does not know", "not-a-jwt", "external-secrets", 403, "permission denied", /not authenticated/],
    ["another role", "jwt-external-secrets", "admin", 400, 'invalid role name "admin"', /one role "external-secrets" at auth\/kubernetes-prod/],
    ["no role", "jwt-external-secrets", "", 400, "missing role", /names no role/],
    ["no token", "", "external-secrets", 400, "missing jwt", /no service account token/],
    ["a TokenReview the API server refuses", FORBIDDEN_REVIEW, "external-secrets", 500, "internal error", /answered the TokenReview with 403/],
  ])("given %s", (_name, jwt, role, status, vaultMessage, reason) => {
    it("should refuse the login with Vault's error shape and issue no token", async () => {
      const answer = await login(jwt, role);
      expect(answer.status).toBe(status);
      expect(answer.body.auth).toBeUndefined();
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors?.[0]?.startsWith(`${vaultMessage}; stand-in: `)).toBe(true);
      expect(answer.body.errors?.[0]).toMatch(reason);
      expect(vault.requests.at(-1)).toMatchObject({ method: "PUT", path: "/v1/auth/kubernetes-prod/login", status, reason: expect.stringMatching(reason) });
    });
  });

  it("should not review a token sent for another role, nor log in at another mount", async () => {
    const before = reviews.length;
    expect((await login("jwt-external-secrets", "admin")).status).toBe(400);
    const elsewhere = await login("jwt-external-secrets", "external-secrets", "kubernetes-staging");
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.errors?.[0]).toMatch(/^permission denied; stand-in: /);
    expect(reviews.length).toBe(before);
  });

  it("should never record a JWT or a token", async () => {
    const issued = await token();
    const seen = JSON.stringify(vault.requests);
    expect(seen).not.toContain("jwt-");
    expect(seen).not.toContain(issued);
  });
});

describe("when external-secrets checks its token (the store's Ready condition, and before revoking)", () => {
  it("should describe a live token with the type, ttl and expire_time checkToken reads", async () => {
    const t = await token();
    const answer = await call("GET", "/v1/auth/token/lookup-self", { token: t });
    expect(answer.status).toBe(200);
    const data = answer.body.data ?? {};
    expect(data).toMatchObject({ type: "service", id: t, path: "auth/kubernetes-prod/login", policies: ["default", "iot-fleet-prod-read"], renewable: true });
    expect(data["ttl"]).toBeGreaterThan(3590);
    expect(data["ttl"]).toBeLessThanOrEqual(3600);
    expect(Date.parse(data["expire_time"] as string) - Date.now()).toBeGreaterThan(3590_000);
    // checkToken reads ttl as json.Number: it must be a JSON integer.
    expect(answer.raw).toMatch(/"ttl":\d+[,}]/);
  });

  it("should refuse a lookup without a token, or with one it never issued", async () => {
    for (const t of [undefined, "hvs.made-up"]) {
      const answer = await call("GET", "/v1/auth/token/lookup-self", t === undefined ? {} : { token: t });
      expect(answer.status).toBe(403);
      expect(answer.body.errors?.[0]).toMatch(/^permission denied; stand-in: /);
    }
  });

  it("should revoke a token on revoke-self (Close after every reconcile), after which it is refused", async () => {
    const t = await token();
    const revoke = await call("PUT", "/v1/auth/token/revoke-self", { token: t });
    expect(revoke.status).toBe(204);
    expect(revoke.raw).toBe("");
    expect((await call("GET", "/v1/auth/token/lookup-self", { token: t })).status).toBe(403);
    expect((await call("GET", `/v1/secret/data/${KADES}`, { token: t })).status).toBe(403);
  });
});

describe("when external-secrets reads a KV v2 secret", () => {
  it("should return every property of the key, in data.data, with stable made-up values", async () => {
    const answer = await call("GET", `/v1/secret/data/${KADES}`, { token: await token() });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.["data"]).toEqual({
      "api-key": standInSecretValue(KADES, "api-key"),
      "database-url": standInSecretValue(KADES, "database-url"),
      "jwt-secret": standInSecretValue(KADES, "jwt-secret"),
    });
    expect(answer.body.data?.["metadata"]).toMatchObject({ version: 1, destroyed: false, deletion_time: "" });
    expect(vault.requests.at(-1)).toEqual({ method: "GET", path: `/v1/secret/data/${KADES}`, status: 200, serviceAccount: "external-secrets/external-secrets" });
  });

  it("should derive each value from sha256 of key/property, the same on every read and every start", async () => {
    const expected = `stand-in-${createHash("sha256").update(`${KADES}/api-key`).digest("hex").slice(0, 16)}`;
    expect(standInSecretValue(KADES, "api-key")).toBe(expected);
    expect(standInSecretValue(KADES, "api-key")).toMatch(/^stand-in-[0-9a-f]{16}$/);
    expect(standInSecretValue(KADES, "jwt-secret")).not.toBe(expected);
    expect(standInSecretValue(GRAFANA, "api-key")).not.toBe(expected);
    const first = await call("GET", `/v1/secret/data/${GRAFANA}`, { token: await token() });
    const second = await call("GET", `/v1/secret/data/${GRAFANA}`, { token: await token() });
    expect(first.body.data?.["data"]).toEqual({ "admin-password": standInSecretValue(GRAFANA, "admin-password") });
    expect(second.body.data?.["data"]).toEqual(first.body.data?.["data"]);
  });

  it("should refuse a read without a token, or with one it never issued", async () => {
    for (const t of [undefined, "hvs.made-up"]) {
      const answer = await call("GET", `/v1/secret/data/${KADES}`, t === undefined ? {} : { token: t });
      expect(answer.status).toBe(403);
      expect(answer.body.errors?.[0]).toMatch(/^permission denied; stand-in: /);
      expect(answer.body.data).toBeUndefined();
    }
  });

  it("should answer 404 with no errors for an unknown key of the cluster, which the provider takes as no secret", async () => {
    const answer = await call("GET", "/v1/secret/data/iot-fleet/prod/kades/unknown", { token: await token() });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ errors: [] });
    expect(vault.requests.at(-1)).toMatchObject({ status: 404, reason: expect.stringContaining("no secret iot-fleet/prod/kades/unknown") });
  });

  it("should answer 404 for a version other than the one there is", async () => {
    const t = await token();
    expect((await call("GET", `/v1/secret/data/${KADES}?version=1`, { token: t })).status).toBe(200);
    expect((await call("GET", `/v1/secret/data/${KADES}?version=2`, { token: t })).status).toBe(404);
  });

  it.each([
    ["another cluster's key", "/v1/secret/data/iot-fleet/staging/kades/kades-secrets"],
    ["a key outside iot-fleet/", "/v1/secret/data/other/prod/kades"],
    ["the metadata path", `/v1/secret/metadata/${KADES}`],
    ["another mount", `/v1/kv/data/${KADES}`],
  ])("should refuse %s with 403: the token's policy does not cover it", async (_name, path) => {
    const answer = await call("GET", path, { token: await token() });
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]).toMatch(/^permission denied; stand-in: /);
  });
});

describe("when the controller reaches the stand-in as it does, through the git proxy's tunnel", () => {
  it("should log in and read with curl through HTTPS_PROXY, trusting only the proxy's CA", async () => {
    // --resolve: were the proxy ignored, curl would still only ever reach loopback.
    const curl = async (args: readonly string[]): Promise<{ status: number; body: Answer["body"] }> => {
      const { stdout } = await execFileAsync(
        "curl",
        ["-sS", "--max-time", "10", "--noproxy", "", "--resolve", `${VAULT_HOST}:8200:127.0.0.1`, "--cacert", proxy.caFile, "-w", "\n%{http_code}", ...args],
        { env: isolatedGitEnv({ HTTPS_PROXY: proxy.url }), timeout: 20_000 },
      );
      const at = stdout.lastIndexOf("\n");
      return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) as Answer["body"] };
    };
    const loggedIn = await curl(["-X", "PUT", "-H", "Content-Type: application/json", "--data", JSON.stringify({ role: "external-secrets", jwt: "jwt-external-secrets" }), `https://${VAULT_HOST}:8200/v1/auth/kubernetes-prod/login`]);
    expect(loggedIn.status).toBe(200);
    const read = await curl(["-H", `X-Vault-Token: ${String(loggedIn.body.auth?.["client_token"])}`, `https://${VAULT_HOST}:8200/v1/secret/data/${KADES}`]);
    expect(read.status).toBe(200);
    expect((read.body.data?.["data"] as Record<string, string>)["api-key"]).toBe(standInSecretValue(KADES, "api-key"));
    expect(proxy.requests.filter((r) => r.host === `${VAULT_HOST}:8200`)).toEqual([
      { method: "CONNECT", host: `${VAULT_HOST}:8200`, path: "", status: 200 },
      { method: "CONNECT", host: `${VAULT_HOST}:8200`, path: "", status: 200 },
    ]);
  });
});

describe("when the stand-in starts", () => {
  it("should listen on 127.0.0.1 only", () => {
    expect(vault.url).toBe(`https://127.0.0.1:${vault.port}`);
    expect(vault.port).toBe(props.port);
  });

  describe.each([
    ["an API server that is not on loopback", (): Partial<VaultStandInProps> => ({ kubernetes: { ...props.kubernetes, server: "https://10.0.0.1:6443" } }), /kubernetes\.server https:\/\/10\.0\.0\.1:6443 is not https:\/\/127\.0\.0\.1:<port>; the stand-in calls nothing but the local API server/],
    ["a plain-http API server", (): Partial<VaultStandInProps> => ({ kubernetes: { ...props.kubernetes, server: "http://127.0.0.1:6443" } }), /is not https:\/\/127\.0\.0\.1:<port>/],
    ["a secret of another cluster", (): Partial<VaultStandInProps> => ({ secrets: { "iot-fleet/staging/kades/kades-secrets": ["api-key"] } }), /secrets key "iot-fleet\/staging\/kades\/kades-secrets" is not under iot-fleet\/prod\//],
    ["an empty property name", (): Partial<VaultStandInProps> => ({ secrets: { [KADES]: [""] } }), /has an empty property name/],
    ["a mount with a trailing slash", (): Partial<VaultStandInProps> => ({ kvMount: "secret/" }), /kvMount "secret\/" is not a mount path/],
    ["a missing certificate", (): Partial<VaultStandInProps> => ({ certFile: "/nonexistent/vault.crt" }), /cannot read certFile \/nonexistent\/vault\.crt \(ENOENT\); start the git proxy with a tunnel/],
    ["a token lifetime external-secrets would call expired", (): Partial<VaultStandInProps> => ({ tokenTtlSeconds: 30 }), /tokenTtlSeconds 30 is below 60/],
  ])("given %s", (_name, change, message) => {
    it("should refuse to start, saying what and why", async () => {
      await expect(startVaultStandIn({ ...props, port: 0, ...change() })).rejects.toThrow(VaultStandInError);
      await expect(startVaultStandIn({ ...props, port: 0, ...change() })).rejects.toThrow(message);
    });
  });

  it("should say the port is taken when it is", async () => {
    await expect(startVaultStandIn(props)).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+: .*the port is taken/);
  });

  it("should stop listening when stopped", async () => {
    const second = await startVaultStandIn({ ...props, port: 0 });
    await second.stop();
    await expect(new Promise((resolve, reject) => httpsRequest({ host: "127.0.0.1", port: second.port, rejectUnauthorized: false }, resolve).on("error", reject).end())).rejects.toThrow(/ECONNREFUSED/);
  });
});
