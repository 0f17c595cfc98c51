/**
 * The smallest Vault that external-secrets v0.16.2's Vault provider can use
 * for a ClusterSecretStore with Kubernetes auth and a KV v2 mount: HTTPS on
 * 127.0.0.1 with the certificate the git proxy issued for Vault's host (the
 * controller reaches it through that proxy's tunnel), and only these routes,
 * each checked against the provider's source (pkg/provider/vault):
 *
 * - `PUT auth/<authMount>/login` `{role, jwt}`: requestTokenWithKubernetesAuth
 *   (auth_kubernetes.go) through hashicorp/vault/api/auth/kubernetes Login.
 *   The JWT is verified for real with a TokenReview against the API server,
 *   as Vault's Kubernetes auth does; only the configured role and service
 *   account get a token.
 * - `GET auth/token/lookup-self`: checkToken (auth.go), called by Validate
 *   (validate.go, the ClusterSecretStore's Ready condition) and before
 *   revoking; it needs `type`, `ttl` and `expire_time`.
 * - `PUT auth/token/revoke-self`: revokeTokenIfValid (auth.go), from Close
 *   (client.go) after every reconcile, as the token cache is off by default.
 * - `GET <kvMount>/data/<key>`: readSecret (client_get.go) for each
 *   `remoteRef`; the provider picks `property` out of `data.data` itself.
 *
 * The token's policy grants reads under `<kvMount>/data/iot-fleet/<cluster>/`
 * only, so a cluster cannot read another's secrets. Values are made up but
 * stable: `stand-in-` and 16 hex digits of sha256(`<key>/<property>`).
 * Errors have Vault's shape and status codes, `{"errors": [...]}`, one
 * entry: Vault's own message, then `; stand-in: ` and what to fix. One entry,
 * because hashicorp/vault/api joins several with nothing between them; the
 * line ends up in the ExternalSecret's or the store's condition.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";

export interface VaultStandInProps {
  /** Port on 127.0.0.1 (what the git proxy's tunnel for Vault's host points at); 0 picks a free one. */
  readonly port: number;
  /** Serving certificate for Vault's hostname (`GitProxy.hostCertificates[...]`). */
  readonly certFile: string;
  readonly keyFile: string;
  /** The cluster whose secrets this Vault holds: keys live under `iot-fleet/<cluster>/`. */
  readonly cluster: string;
  /** The API server that reviews the service account tokens, and this stand-in's identity there. */
  readonly kubernetes: {
    /** `https://127.0.0.1:<port>`: loopback only. */
    readonly server: string;
    /** CA that signed the API server's serving certificate. */
    readonly caFile: string;
    /** Client certificate allowed to create TokenReviews (system:auth-delegator). */
    readonly clientCert: string;
    readonly clientKey: string;
  };
  /** Kubernetes auth mount, e.g. `kubernetes-prod` (the store's `auth.kubernetes.mountPath`). */
  readonly authMount: string;
  /** The one role that logs in, e.g. `external-secrets`. */
  readonly role: string;
  /** The one service account bound to the role. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** KV v2 mount, e.g. `secret` (the store's `path`). */
  readonly kvMount: string;
  /**
   * Every secret this Vault holds: key (`iot-fleet/<cluster>/<app>/<secret>`)
   * to its property names, as the rendered ExternalSecrets ask for them.
   */
  readonly secrets: Readonly<Record<string, readonly string[]>>;
  /** Lifetime of a login's token. @default 3600 */
  readonly tokenTtlSeconds?: number;
}

export interface VaultRequest {
  readonly method: string;
  /** URL path without the query, e.g. `/v1/secret/data/iot-fleet/prod/kades/kades-secrets`. */
  readonly path: string;
  readonly status: number;
  /** Who logged in, or who asked, as `<namespace>/<name>`, when known. */
  readonly serviceAccount?: string;
  /** Why it was refused, when it was. */
  readonly reason?: string;
}

export interface VaultStandIn {
  /** `https://127.0.0.1:<port>`: direct, for tests; clients use the store's server URL through the proxy. */
  readonly url: string;
  readonly port: number;
  /** Every request seen, in order, without tokens or JWTs: for the harness report and the tests. */
  readonly requests: readonly VaultRequest[];
  stop(): Promise<void>;
}

export class VaultStandInError extends Error {}

/** The value the stand-in holds for `property` of the secret at `key`. */
export function standInSecretValue(key: string, property: string): string {
  return `stand-in-${createHash("sha256").update(`${key}/${property}`).digest("hex").slice(0, 16)}`;
}

const MOUNT = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
const MAX_BODY = 1 << 20;

interface IssuedToken {
  readonly accessor: string;
  readonly issued: Date;
  readonly expires: Date;
  readonly serviceAccount: { readonly namespace: string; readonly name: string; readonly uid: string };
}

/** Throws at the first bad option, naming it, with what was given and a hint. */
function checkProps(p: VaultStandInProps): void {
  const fail = (what: string, hint: string): never => {
    throw new VaultStandInError(`vault stand-in: ${what}; ${hint}`);
  };
  if (!Number.isInteger(p.port) || p.port < 0 || p.port > 65535) fail(`port ${JSON.stringify(p.port)} is not a port`, "pass the port the git proxy's tunnel for Vault points at (0 picks one)");
  if (!DNS_LABEL.test(p.cluster)) fail(`cluster ${JSON.stringify(p.cluster)} is not a cluster name`, 'pass the profile\'s cluster, e.g. "prod"');
  for (const [name, mount] of [
    ["authMount", p.authMount],
    ["kvMount", p.kvMount],
  ] as const) {
    if (!MOUNT.test(mount)) fail(`${name} ${JSON.stringify(mount)} is not a mount path`, "pass it without leading or trailing slashes, as the ClusterSecretStore names it");
  }
  if (p.role === "" || p.role.includes("/")) fail(`role ${JSON.stringify(p.role)} is not a role name`, "pass the store's auth.kubernetes.role");
  if (!DNS_LABEL.test(p.serviceAccount.namespace) || !DNS_SUBDOMAIN.test(p.serviceAccount.name)) {
    fail(`serviceAccount ${JSON.stringify(p.serviceAccount)} is not a namespace and name`, "pass the store's auth.kubernetes.serviceAccountRef");
  }
  let server: URL | undefined;
  try {
    server = new URL(p.kubernetes.server);
  } catch {
    fail(`kubernetes.server ${JSON.stringify(p.kubernetes.server)} is not a URL`, "pass the API server's https://127.0.0.1:<port>");
  }
  if (server?.protocol !== "https:" || server.hostname !== "127.0.0.1" || server.pathname !== "/") {
    fail(`kubernetes.server ${p.kubernetes.server} is not https://127.0.0.1:<port>`, "the stand-in calls nothing but the local API server on loopback");
  }
  const prefix = `iot-fleet/${p.cluster}/`;
  for (const [key, properties] of Object.entries(p.secrets)) {
    if (!key.startsWith(prefix) || key.length === prefix.length || key.split("/").some((s) => s === "")) {
      fail(`secrets key ${JSON.stringify(key)} is not under ${prefix}`, `the ${p.cluster} Vault holds only its own cluster's secrets; check which cluster the ExternalSecrets were rendered for`);
    }
    for (const property of properties) {
      if (property === "") fail(`secrets[${JSON.stringify(key)}] has an empty property name`, "list each remoteRef.property the ExternalSecrets read");
    }
  }
  const ttl = p.tokenTtlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 60) fail(`tokenTtlSeconds ${JSON.stringify(ttl)} is below 60`, "external-secrets treats a token with under 60s left as expired");
}

function readPem(file: string, what: string, hint: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new VaultStandInError(`vault stand-in: cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${hint}`);
  }
}

type TokenReviewOutcome =
  | { readonly kind: "authenticated"; readonly username: string; readonly uid: string }
  | { readonly kind: "unauthenticated"; readonly why: string }
  | { readonly kind: "failed"; readonly why: string };

export async function startVaultStandIn(props: VaultStandInProps): Promise<VaultStandIn> {
  checkProps(props);
  const cert = readPem(props.certFile, "certFile", "start the git proxy with a tunnel for Vault's host first: it issues this certificate");
  const key = readPem(props.keyFile, "keyFile", "start the git proxy with a tunnel for Vault's host first: it issues this key");
  const k8sHint = "pass the control plane's CA and a client certificate allowed to create TokenReviews";
  const kubeCa = readPem(props.kubernetes.caFile, "kubernetes.caFile", k8sHint);
  const kubeCert = readPem(props.kubernetes.clientCert, "kubernetes.clientCert", k8sHint);
  const kubeKey = readPem(props.kubernetes.clientKey, "kubernetes.clientKey", k8sHint);
  const reviewURL = new URL("/apis/authentication.k8s.io/v1/tokenreviews", props.kubernetes.server);
  const ttlSeconds = props.tokenTtlSeconds ?? 3600;
  const kvPrefix = `${props.kvMount}/data/`;
  const readable = `iot-fleet/${props.cluster}/`;
  const policy = `iot-fleet-${props.cluster}-read`;
  const loginPath = `auth/${props.authMount}/login`;
  const boundSa = `${props.serviceAccount.namespace}/${props.serviceAccount.name}`;
  const secrets = new Map(Object.entries(props.secrets));
  const tokens = new Map<string, IssuedToken>();
  const requests: VaultRequest[] = [];
  const sockets = new Set<Socket>();
  const started = new Date();

  /** POSTs a TokenReview for `jwt` to the API server, with the client certificate. */
  const review = (jwt: string): Promise<TokenReviewOutcome> =>
    new Promise((resolve) => {
      const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: jwt } });
      const req = httpsRequest(
        reviewURL,
        {
          method: "POST",
          ca: kubeCa,
          cert: kubeCert,
          key: kubeKey,
          agent: false,
          timeout: 10_000,
          headers: { "Content-Type": "application/json", Accept: "application/json", "Content-Length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => resolve({ kind: "failed", why: `TokenReview response broke off: ${e.message}` }));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              resolve({ kind: "failed", why: `the API server answered the TokenReview with ${status}: ${text.trim().slice(0, 300)}` });
              return;
            }
            let parsed: { status?: { authenticated?: boolean; error?: string; user?: { username?: string; uid?: string } } };
            try {
              parsed = JSON.parse(text) as typeof parsed;
            } catch {
              resolve({ kind: "failed", why: `the API server's TokenReview answer is not JSON: ${text.slice(0, 200)}` });
              return;
            }
            const s = parsed.status ?? {};
            if (s.authenticated === true && typeof s.user?.username === "string") resolve({ kind: "authenticated", username: s.user.username, uid: s.user.uid ?? "" });
            else resolve({ kind: "unauthenticated", why: `TokenReview: not authenticated${s.error ? ` (${s.error})` : ""}` });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("no answer within 10s")));
      req.on("error", (e) => resolve({ kind: "failed", why: `cannot reach the API server at ${props.kubernetes.server} for a TokenReview: ${e.message}` }));
      req.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    const target = req.url ?? "/";
    const queryAt = target.indexOf("?");
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? "" : target.slice(queryAt + 1));
    const record = (status: number, extra: { serviceAccount?: string; reason?: string } = {}): void => {
      requests.push({ method, path, status, ...extra });
    };
    const send = (status: number, payload: unknown): void => {
      if (status === 204) {
        res.writeHead(204).end();
        return;
      }
      const body = JSON.stringify(payload);
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
      res.end(body);
    };
    /** Vault's error shape: its message and what to fix, or no entry at all (a KV miss, which the provider reads as "no secret"). */
    const refuse = (status: number, vaultMessage: string | undefined, reason: string, serviceAccount?: string): void => {
      record(status, { reason, ...(serviceAccount ? { serviceAccount } : {}) });
      send(status, { errors: vaultMessage === undefined ? [] : [`${vaultMessage}; stand-in: ${reason}`] });
    };
    const isWrite = method === "PUT" || method === "POST";

    if (!path.startsWith("/v1/")) {
      refuse(404, "404 page not found", `${path} is not under /v1/, Vault's API prefix`);
      return;
    }
    let route: string;
    try {
      route = decodeURIComponent(path.slice("/v1/".length));
    } catch {
      refuse(400, "invalid request path", `${path} is not a valid URL path`);
      return;
    }

    if (route === loginPath) {
      if (!isWrite) {
        refuse(405, "unsupported operation", `${method} ${route}: log in with PUT or POST`);
        return;
      }
      let body: { role?: unknown; jwt?: unknown };
      try {
        body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as typeof body;
      } catch (error) {
        refuse(400, "failed to parse JSON input", `the login body is not JSON: ${(error as Error).message}`);
        return;
      }
      if (typeof body.role !== "string" || body.role === "") {
        refuse(400, "missing role", `the login names no role; the store's auth.kubernetes.role should be ${props.role}`);
        return;
      }
      if (body.role !== props.role) {
        refuse(400, `invalid role name "${body.role}"`, `this Vault has the one role ${JSON.stringify(props.role)} at auth/${props.authMount}`);
        return;
      }
      if (typeof body.jwt !== "string" || body.jwt === "") {
        refuse(400, "missing jwt", "the login carries no service account token");
        return;
      }
      const outcome = await review(body.jwt);
      if (outcome.kind === "failed") {
        refuse(500, "internal error", outcome.why);
        return;
      }
      if (outcome.kind === "unauthenticated") {
        refuse(403, "permission denied", `${outcome.why}; the token is not a live service account token of this cluster`);
        return;
      }
      const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(outcome.username);
      if (!sa) {
        refuse(403, "permission denied", `the token belongs to ${outcome.username}, not a service account`);
        return;
      }
      const [, namespace = "", name = ""] = sa;
      const who = `${namespace}/${name}`;
      if (name !== props.serviceAccount.name) {
        refuse(403, "service account name not authorized", `role ${props.role} is bound to ${boundSa} only; the token is ${who}`, who);
        return;
      }
      if (namespace !== props.serviceAccount.namespace) {
        refuse(403, "namespace not authorized", `role ${props.role} is bound to ${boundSa} only; the token is ${who}`, who);
        return;
      }
      const token = `hvs.${randomBytes(24).toString("base64url")}`;
      const issued = new Date();
      const issuedToken: IssuedToken = {
        accessor: randomBytes(12).toString("base64url"),
        issued,
        expires: new Date(issued.getTime() + ttlSeconds * 1000),
        serviceAccount: { namespace, name, uid: outcome.uid },
      };
      tokens.set(token, issuedToken);
      record(200, { serviceAccount: who });
      send(200, {
        ...vaultEnvelope(null),
        auth: {
          client_token: token,
          accessor: issuedToken.accessor,
          policies: ["default", policy],
          token_policies: ["default", policy],
          metadata: tokenMetadata(props.role, issuedToken),
          lease_duration: ttlSeconds,
          renewable: true,
          entity_id: "",
          token_type: "service",
          orphan: true,
          mfa_requirement: null,
          num_uses: 0,
        },
      });
      return;
    }

    // Everything else needs a live token.
    const header = req.headers["x-vault-token"];
    const presented = Array.isArray(header) ? header[0] : header;
    const held = presented === undefined ? undefined : tokens.get(presented);
    if (held === undefined || held.expires.getTime() <= Date.now()) {
      if (held !== undefined && presented !== undefined) tokens.delete(presented);
      const why = presented === undefined ? "no X-Vault-Token" : held === undefined ? "a token this Vault never issued or has revoked" : "an expired token";
      refuse(403, "permission denied", `${method} ${route} with ${why}; log in at ${loginPath} first`);
      return;
    }
    const who = `${held.serviceAccount.namespace}/${held.serviceAccount.name}`;

    if (route === "auth/token/lookup-self") {
      if (method !== "GET") {
        refuse(405, "unsupported operation", `${method} ${route}: look up with GET`, who);
        return;
      }
      const now = Date.now();
      record(200, { serviceAccount: who });
      send(200, {
        ...vaultEnvelope({
          accessor: held.accessor,
          creation_time: Math.floor(held.issued.getTime() / 1000),
          creation_ttl: ttlSeconds,
          display_name: `${props.authMount}-${held.serviceAccount.namespace}-${held.serviceAccount.name}`,
          entity_id: "",
          expire_time: held.expires.toISOString(),
          explicit_max_ttl: 0,
          id: presented,
          issue_time: held.issued.toISOString(),
          meta: tokenMetadata(props.role, held),
          num_uses: 0,
          orphan: true,
          path: loginPath,
          policies: ["default", policy],
          renewable: true,
          ttl: Math.max(0, Math.floor((held.expires.getTime() - now) / 1000)),
          type: "service",
        }),
      });
      return;
    }

    if (route === "auth/token/revoke-self") {
      if (!isWrite) {
        refuse(405, "unsupported operation", `${method} ${route}: revoke with PUT or POST`, who);
        return;
      }
      if (presented !== undefined) tokens.delete(presented);
      record(204, { serviceAccount: who });
      send(204, undefined);
      return;
    }

    if (route.startsWith(kvPrefix)) {
      const secretKey = route.slice(kvPrefix.length);
      if (!secretKey.startsWith(readable)) {
        refuse(403, "permission denied", `policy ${policy} reads ${kvPrefix}${readable}* only; ${secretKey} is another cluster's or no cluster's`, who);
        return;
      }
      if (method !== "GET" || query.get("list") === "true") {
        refuse(405, "unsupported operation", `${method}${query.get("list") === "true" ? " (list)" : ""} ${route}: the stand-in serves reads of one version only`, who);
        return;
      }
      const version = query.get("version");
      const properties = secrets.get(secretKey);
      if (properties === undefined || (version !== null && version !== "0" && version !== "1")) {
        refuse(404, undefined, `no secret ${secretKey}${version !== null ? ` version ${version}` : ""}: no rendered ExternalSecret of ${props.cluster} asks for it`, who);
        return;
      }
      const data: Record<string, string> = {};
      for (const property of properties) data[property] = standInSecretValue(secretKey, property);
      record(200, { serviceAccount: who });
      send(200, {
        ...vaultEnvelope({
          data,
          metadata: { created_time: started.toISOString(), custom_metadata: null, deletion_time: "", destroyed: false, version: 1 },
        }),
        mount_type: "kv",
      });
      return;
    }

    refuse(403, "permission denied", `policy ${policy} grants nothing on ${route}; the stand-in serves ${loginPath}, auth/token/lookup-self, auth/token/revoke-self and GET ${kvPrefix}${readable}*`, who);
  };

  const server = createHttpsServer({ cert, key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const reason = `stand-in failure: ${(error as Error).message}`;
      requests.push({ method: req.method ?? "?", path: (req.url ?? "/").split("?")[0] ?? "/", status: 500, reason });
      if (!res.headersSent) {
        const body = JSON.stringify({ errors: [`internal error; ${reason}`] });
        res.writeHead(500, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
        res.end(body);
      } else res.destroy();
    });
  });
  server.on("tlsClientError", () => {
    /* a client that does not trust the CA hangs up during the handshake: its own error says why */
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      const hint = e.code === "EADDRINUSE" ? "the port is taken (a leftover run?): stop what holds it by its recorded PID" : "check the port number";
      reject(new VaultStandInError(`vault stand-in cannot listen on 127.0.0.1:${props.port}: ${e.message}; ${hint}`));
    };
    server.once("error", onError);
    server.listen(props.port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : props.port;
  let stopped: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    stop(): Promise<void> {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}

/** What Vault's Kubernetes auth puts in a token's metadata. */
/** The fields every Vault answer carries around its `data`; a login adds `auth`. */
function vaultEnvelope(data: unknown): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: "", renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null };
}

function tokenMetadata(role: string, t: IssuedToken): Record<string, string> {
  return {
    role,
    service_account_name: t.serviceAccount.name,
    service_account_namespace: t.serviceAccount.namespace,
    service_account_secret_name: "",
    service_account_uid: t.serviceAccount.uid,
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
