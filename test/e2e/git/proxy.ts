/**
 * An HTTPS proxy on 127.0.0.1 that is the repository's host for whoever uses
 * it, so Argo CD's repo-server fetches the commit under test from the URL the
 * committed Applications name, unchanged. It answers a CONNECT to that one
 * host:port, terminates TLS there with a throwaway certificate, and serves
 * the local bare repository through `git http-backend` (git's CGI, one
 * process per request, read-only).
 *
 * It also answers a CONNECT to each configured tunnel's exact host:port (a
 * stand-in for Vault, an ACME server) by piping the bytes, TLS and all, to
 * that stand-in's port on 127.0.0.1; the stand-in serves the certificate this
 * proxy issued for the host from the same CA. That is the one outgoing
 * connection this module opens, and its address is always 127.0.0.1 and a
 * port from the options, never anything a client sent. Everything else is
 * refused with a 403 saying why, so a refused request goes nowhere.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect as netConnect, type Socket } from "node:net";
import { basename, dirname, join, resolve } from "node:path";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import { createHostCertificates, isCertificateHost, type IssuedCertificate } from "./certificates.js";
import { isolatedGitEnv } from "./git-env.js";

const execFileAsync = promisify(execFile);

export interface GitProxyOptions {
  /** Folder for this start's certificates and Argo CD's TLS data folder (replaced on each start). */
  readonly workDir: string;
  /** The repository URL the Applications name, e.g. https://github.com/iot-platform/iot-fleet-gitops.git */
  readonly repoURL: string;
  /** The bare repository served at that URL (see `buildRepository`). */
  readonly gitDir: string;
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /**
   * Hosts answered by piping the CONNECT to a backend on 127.0.0.1 that
   * terminates TLS itself, with the certificate in `hostCertificates`.
   * @default []
   */
  readonly tunnels?: readonly GitProxyTunnel[];
}

export interface GitProxyTunnel {
  /** The exact `host:port` a client CONNECTs to, e.g. `vault.iot-fleet.internal:8200`. */
  readonly host: string;
  /** The backend's port on 127.0.0.1. */
  readonly port: number;
}

export interface ProxiedRequest {
  /** `CONNECT` for a tunnel request, else the HTTP method (inside the tunnel, or a plain proxy request). */
  readonly method: string;
  /** `host:port` asked for by a CONNECT, else the Host the request was for. */
  readonly host: string;
  /** Path and query inside the tunnel; the request target for a plain proxy request; empty for a CONNECT. */
  readonly path: string;
  readonly status: number;
  /** Why it was refused or failed, when it was. */
  readonly reason?: string;
}

export interface GitProxy {
  /** `http://127.0.0.1:<port>`: the value for HTTPS_PROXY. */
  readonly url: string;
  readonly port: number;
  /** The one host served, from the repository URL (`github.com`). */
  readonly host: string;
  /** PEM of this start's throwaway CA. */
  readonly caFile: string;
  /** Folder holding the CA under the host's name, for ARGOCD_TLS_DATA_PATH. */
  readonly tlsDataPath: string;
  /** The tunnels answered, host lower-cased, in the order given. */
  readonly tunnels: readonly GitProxyTunnel[];
  /** By tunnelled hostname (no port): the certificate and key its backend serves, signed by the CA. */
  readonly hostCertificates: Readonly<Record<string, IssuedCertificate>>;
  /** Environment a client process (the repo-server, or git) needs to fetch through this proxy. */
  env(): Record<string, string>;
  /** Every request seen, in order: for the harness report and the tests. */
  readonly requests: readonly ProxiedRequest[];
  stop(): Promise<void>;
}

export class GitProxyError extends Error {}

/** Loopback stays direct for every client (redis, the API server); curl needs it said, Go does it anyway. */
export const NO_PROXY = "127.0.0.1,localhost,::1";

/**
 * What Argo CD's repo-server (and any git client) needs to fetch through the
 * proxy, checked against Argo CD v3.6.1's source:
 * - its go-git ls-remote takes the proxy from `http.ProxyFromEnvironment`
 *   (util/proxy GetCallback, when the repository sets no proxy) and its root
 *   CAs from the file `$ARGOCD_TLS_DATA_PATH/<host>` (util/cert
 *   GetCertificateForConnect, used by util/git GetRepoHTTPClient);
 * - its git CLI inherits the environment (https_proxy for curl) and gets
 *   `GIT_SSL_CAINFO=$ARGOCD_TLS_DATA_PATH/<host>` appended by util/git
 *   runCmdOutput (GetCertBundlePathForRepository), which beats an inherited one.
 * So the proxy variables and ARGOCD_TLS_DATA_PATH are what it needs; the rest
 * covers git and Go code that Argo CD does not wrap.
 */
export function repoServerEnv(p: { readonly url: string; readonly caFile: string; readonly tlsDataPath: string }): Record<string, string> {
  return {
    // Upper and lower case: Go reads either, curl (the git CLI) reads https_proxy or HTTPS_PROXY but only lower-case http_proxy.
    HTTPS_PROXY: p.url,
    https_proxy: p.url,
    // Plain http:// goes to the proxy too, to be refused there, rather than out to the network.
    HTTP_PROXY: p.url,
    http_proxy: p.url,
    NO_PROXY,
    no_proxy: NO_PROXY,
    // Must be absolute: Argo CD refuses a certificate path that does not start with it.
    ARGOCD_TLS_DATA_PATH: p.tlsDataPath,
    // Git commands Argo CD does not wrap (kustomize remote bases), over a machine-wide GIT_SSL_CAINFO.
    GIT_SSL_CAINFO: p.caFile,
    // Go code that uses the system pool rather than Argo CD's per-host file.
    SSL_CERT_FILE: p.caFile,
  };
}

interface ServedRepository {
  readonly host: string;
  readonly port: number;
  /** URL path of the repository without a trailing slash, e.g. /iot-platform/iot-fleet-gitops.git */
  readonly path: string;
}

function parseRepoURL(repoURL: string): ServedRepository {
  let url: URL;
  try {
    url = new URL(repoURL);
  } catch {
    throw new GitProxyError(`git proxy: repoURL ${JSON.stringify(repoURL)} is not a URL; pass the Applications' https:// repoURL`);
  }
  if (url.protocol !== "https:") throw new GitProxyError(`git proxy: repoURL ${repoURL} is not https://; the proxy serves HTTPS repositories only`);
  if (url.username || url.password || url.search || url.hash) {
    throw new GitProxyError(`git proxy: repoURL ${repoURL} carries credentials, a query or a fragment; pass the plain repository URL the Applications use`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "") throw new GitProxyError(`git proxy: repoURL ${repoURL} has no repository path; expected https://<host>/<owner>/<name>.git`);
  return { host: url.hostname.toLowerCase(), port: url.port === "" ? 443 : Number(url.port), path };
}

/** The git installation's http-backend (Debian: /usr/lib/git-core/git-http-backend). */
async function httpBackendPath(): Promise<string> {
  let execPath: string;
  try {
    execPath = (await execFileAsync("git", ["--exec-path"], { env: isolatedGitEnv() })).stdout.trim();
  } catch (error) {
    throw new GitProxyError(`git proxy: cannot run \`git --exec-path\` (${(error as Error).message}); install git`);
  }
  const backend = join(execPath, "git-http-backend");
  if (!existsSync(backend)) throw new GitProxyError(`git proxy: ${backend} does not exist; install git's http-backend (Debian package git)`);
  return backend;
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Checks and lower-cases the tunnels; throws at the first bad one with where it came from and a hint. */
export function parseTunnels(tunnels: readonly GitProxyTunnel[], repositoryAuthority: string): GitProxyTunnel[] {
  const seen = new Set<string>();
  return tunnels.map((t, i) => {
    const where = `git proxy: tunnels[${i}]`;
    const host = t.host.toLowerCase();
    const colon = host.lastIndexOf(":");
    const hostname = colon < 0 ? "" : host.slice(0, colon);
    const port = colon < 0 ? Number.NaN : Number(host.slice(colon + 1));
    if (colon < 0 || !/^\d+$/.test(host.slice(colon + 1)) || !isPort(port) || !isCertificateHost(hostname)) {
      throw new GitProxyError(`${where}.host ${JSON.stringify(t.host)} is not host:port; pass what clients CONNECT to, e.g. "vault.iot-fleet.internal:8200"`);
    }
    if (!isPort(t.port)) throw new GitProxyError(`${where}.port ${JSON.stringify(t.port)} for ${host} is not a port (1-65535); pass the backend's port on 127.0.0.1`);
    if (host === repositoryAuthority) throw new GitProxyError(`${where}.host ${host} is the repository's own host:port, which the proxy serves itself; tunnel another host`);
    if (seen.has(host)) throw new GitProxyError(`${where}.host ${host} is listed twice; give each host:port one backend`);
    seen.add(host);
    return { host, port: t.port };
  });
}

/** `vault.iot-fleet.internal:8200=18200` -> `{ host: "vault.iot-fleet.internal:8200", port: 18200 }`; the rest is checked by the proxy. */
export function parseTunnelFlag(flag: string): GitProxyTunnel {
  const eq = flag.lastIndexOf("=");
  const port = eq < 0 ? "" : flag.slice(eq + 1);
  if (eq <= 0 || !/^\d+$/.test(port)) {
    throw new GitProxyError(`--tunnel ${JSON.stringify(flag)} is not HOST:PORT=BACKEND_PORT; e.g. --tunnel vault.iot-fleet.internal:8200=18200`);
  }
  return { host: flag.slice(0, eq), port: Number(port) };
}

/** `vault.iot-fleet.internal:8200` -> `vault.iot-fleet.internal` */
function hostnameOf(authority: string): string {
  return authority.slice(0, authority.lastIndexOf(":"));
}

function checkGitDir(gitDir: string): void {
  if (!existsSync(join(gitDir, "HEAD")) || !existsSync(join(gitDir, "objects"))) {
    throw new GitProxyError(`git proxy: ${gitDir} is not a bare git repository (no HEAD or objects); build it with buildRepository() first`);
  }
}

/** A one-line plain-text refusal on a raw socket, then close. */
function refuseSocket(socket: Duplex, status: number, statusText: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function reply(res: ServerResponse, status: number, reason: string): void {
  const body = `${reason}\n`;
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

interface CgiHead {
  readonly status: number;
  readonly headers: Map<string, string[]>;
}

/** The header block of a CGI response: `Status:` gives the code (200 when absent), the rest are HTTP headers. */
export function parseCgiHead(block: string): CgiHead {
  const headers = new Map<string, string[]>();
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") {
      const code = Number.parseInt(value, 10);
      if (Number.isInteger(code) && code >= 100 && code <= 599) status = code;
      continue;
    }
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { status, headers };
}

/** Where the header block of CGI output ends (a blank line, CRLF or LF), or -1 with the separator length. */
function headEnd(buf: Buffer): { at: number; sep: number } {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, sep: 4 };
  if (lf >= 0) return { at: lf, sep: 2 };
  return { at: -1, sep: 0 };
}

export async function startGitProxy(opts: GitProxyOptions): Promise<GitProxy> {
  const served = parseRepoURL(opts.repoURL);
  const gitDir = resolve(opts.gitDir);
  checkGitDir(gitDir);
  const backend = await httpBackendPath();
  const authority = `${served.host}:${served.port}`;
  const tunnels = parseTunnels(opts.tunnels ?? [], authority);
  const tunnelPorts = new Map(tunnels.map((t) => [t.host, t.port]));
  const workDir = resolve(opts.workDir);
  mkdirSync(workDir, { recursive: true });
  const certs = await createHostCertificates(
    join(workDir, "certificates"),
    served.host,
    tunnels.map((t) => hostnameOf(t.host)),
  );
  // Argo CD reads the CA for a repository from a file named after its host (no port) in ARGOCD_TLS_DATA_PATH.
  const tlsDataPath = join(workDir, "argocd-tls");
  mkdirSync(tlsDataPath, { recursive: true });
  copyFileSync(certs.caFile, join(tlsDataPath, served.host));

  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket | Duplex>();
  const children = new Set<ChildProcess>();
  const tunnelled = tunnels.length === 0 ? "" : ` and tunnels ${tunnels.map((t) => t.host).join(", ")}`;
  const servesOnly = `the git proxy serves only ${authority} (the repository ${opts.repoURL})${tunnelled}`;

  /** One request inside the tunnel, to git http-backend as CGI. */
  const serveGit = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    const target = req.url ?? "/";
    const record = (status: number, reason?: string): void => {
      requests.push({ method, host: served.host, path: target, status, ...(reason ? { reason } : {}) });
    };
    const queryAt = target.indexOf("?");
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = queryAt < 0 ? "" : target.slice(queryAt + 1);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    if (!path.startsWith(`${served.path}/`)) {
      const reason = `not found: ${path} is not under ${served.path}; ${servesOnly}`;
      record(404, reason);
      reply(res, 404, reason);
      return;
    }
    if (method !== "GET" && method !== "POST") {
      const reason = `method ${method} not allowed; git's smart HTTP uses GET and POST`;
      record(405, reason);
      reply(res, 405, reason);
      return;
    }
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    };
    // Not the caller's environment: a stray REMOTE_USER there would turn pushes on.
    const cgiEnv: Record<string, string> = {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      // Read-only whatever the request says.
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.receivepack",
      GIT_CONFIG_VALUE_0: "false",
      LC_ALL: "C",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      SERVER_NAME: served.host,
      SERVER_PORT: String(served.port),
      GIT_PROJECT_ROOT: dirname(gitDir),
      GIT_HTTP_EXPORT_ALL: "1",
      // The repository's URL path maps onto the one bare repository, whatever its folder is called.
      PATH_INFO: `/${basename(gitDir)}${path.slice(served.path.length)}`,
      REQUEST_METHOD: method,
      QUERY_STRING: query,
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    };
    const optional: [string, string | undefined][] = [
      ["CONTENT_TYPE", header("content-type")],
      ["CONTENT_LENGTH", header("content-length")],
      // http-backend inflates a gzip request body itself when told so.
      ["HTTP_CONTENT_ENCODING", header("content-encoding")],
      // Protocol v2 is negotiated through this header.
      ["HTTP_GIT_PROTOCOL", header("git-protocol")],
    ];
    for (const [name, value] of optional) if (value !== undefined) cgiEnv[name] = value;

    const child = spawn(backend, [], { env: cgiEnv, stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdin.on("error", () => {
      /* http-backend may answer (an error) before reading the body */
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headerSent = false;
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = headEnd(head);
      if (end.at < 0) return;
      child.stdout.off("data", onData);
      child.stdout.pause();
      const cgi = parseCgiHead(head.subarray(0, end.at).toString("latin1"));
      for (const [name, values] of cgi.headers) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
      res.statusCode = cgi.status;
      headerSent = true;
      const rest = head.subarray(end.at + end.sep);
      if (rest.length > 0) res.write(rest);
      child.stdout.pipe(res);
    };
    child.stdout.on("data", onData);
    child.on("error", (e) => {
      children.delete(child);
      const reason = `cannot run ${backend}: ${e.message}`;
      record(500, reason);
      if (!headerSent) reply(res, 500, reason);
    });
    child.on("close", (code) => {
      children.delete(child);
      const last = stderr.trim().split("\n").pop() ?? "";
      if (!headerSent) {
        const reason = `git http-backend exited with code ${code} and no response${last ? `: ${last}` : ""}`;
        record(502, reason);
        reply(res, 502, reason);
        return;
      }
      const failed = res.statusCode >= 400 || code !== 0;
      record(res.statusCode, failed ? `git http-backend${code !== 0 ? ` exited with code ${code}` : ""}${last ? `: ${last}` : ""}` : undefined);
    });
    // A client gone mid-response leaves nothing running.
    res.on("close", () => {
      if (!res.writableFinished && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    });
  };

  const tlsServer = createHttpsServer({ cert: certs.cert, key: certs.key }, serveGit);
  tlsServer.on("tlsClientError", () => {
    /* a client that does not trust the CA hangs up during the handshake: its own error says why */
  });

  /** Pipes a CONNECT for a tunnelled host to its backend on 127.0.0.1, or answers 502 when the backend is not there. */
  const openTunnel = (asked: string, backendPort: number, socket: Duplex, head: Buffer): void => {
    // Always loopback and a port from the options: nothing the client sent picks where this goes.
    const backend = netConnect({ host: "127.0.0.1", port: backendPort });
    sockets.add(backend);
    let established = false;
    backend.once("connect", () => {
      established = true;
      requests.push({ method: "CONNECT", host: asked, path: "", status: 200 });
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      // Bytes the client sent after the CONNECT (its TLS hello, if eager) belong to the tunnel.
      if (head.length > 0) backend.write(head);
      socket.pipe(backend);
      backend.pipe(socket);
    });
    backend.on("error", (e: NodeJS.ErrnoException) => {
      if (established) {
        socket.destroy();
        return;
      }
      const reason = `tunnel to ${asked} failed: its backend 127.0.0.1:${backendPort} is not answering (${e.code ?? e.message}); start the stand-in that serves it`;
      requests.push({ method: "CONNECT", host: asked, path: "", status: 502, reason });
      refuseSocket(socket, 502, "Bad Gateway", reason);
    });
    backend.on("close", () => {
      sockets.delete(backend);
      if (established) socket.end();
    });
    socket.on("close", () => backend.destroy());
  };

  const proxy = createHttpServer((req, res) => {
    const target = req.url ?? "";
    const reason = `refused ${req.method ?? "?"} ${target}: ${servesOnly}, through CONNECT; plain proxying is not offered`;
    requests.push({ method: req.method ?? "?", host: req.headers.host ?? "", path: target, status: 403, reason });
    res.setHeader("Connection", "close");
    reply(res, 403, reason);
  });
  proxy.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  proxy.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const asked = (req.url ?? "").toLowerCase();
    socket.on("error", () => {
      /* the client hung up */
    });
    const backendPort = tunnelPorts.get(asked);
    if (backendPort !== undefined) {
      openTunnel(req.url ?? "", backendPort, socket, head);
      return;
    }
    if (asked !== authority) {
      const reason = `refused CONNECT ${req.url ?? ""}: ${servesOnly}`;
      requests.push({ method: "CONNECT", host: req.url ?? "", path: "", status: 403, reason });
      refuseSocket(socket, 403, "Forbidden", reason);
      return;
    }
    requests.push({ method: "CONNECT", host: req.url ?? "", path: "", status: 200 });
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    // Bytes the client sent after the CONNECT (its TLS hello, if eager) belong to the tunnel.
    if (head.length > 0) socket.unshift(head);
    tlsServer.emit("connection", socket);
  });
  proxy.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    const reason = `refused upgrade of ${req.url ?? ""}: ${servesOnly}`;
    requests.push({ method: req.method ?? "?", host: req.headers.host ?? "", path: req.url ?? "", status: 403, reason });
    refuseSocket(socket, 403, "Forbidden", reason);
  });
  proxy.on("clientError", (_error: Error, socket: Duplex) => {
    if (socket.writable) refuseSocket(socket, 400, "Bad Request", "malformed request");
    else socket.destroy();
  });

  const requestedPort = opts.port ?? 0;
  await new Promise<void>((resolvePromise, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      const hint = e.code === "EADDRINUSE" ? "the port is taken (a leftover run?): stop what holds it, or pass port 0" : "check the port number";
      reject(new GitProxyError(`git proxy cannot listen on 127.0.0.1:${requestedPort}: ${e.message}; ${hint}`));
    };
    proxy.once("error", onError);
    proxy.listen(requestedPort, "127.0.0.1", () => {
      proxy.off("error", onError);
      resolvePromise();
    });
  });
  const address = proxy.address();
  const port = typeof address === "object" && address !== null ? address.port : requestedPort;
  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;

  return {
    url,
    port,
    host: served.host,
    caFile: certs.caFile,
    tlsDataPath,
    tunnels,
    hostCertificates: certs.otherHosts,
    requests,
    env(): Record<string, string> {
      return repoServerEnv({ url, caFile: certs.caFile, tlsDataPath });
    },
    stop(): Promise<void> {
      stopped ??= new Promise<void>((resolveStop) => {
        proxy.close(() => resolveStop());
        for (const child of children) child.kill("SIGTERM");
        for (const socket of sockets) socket.destroy();
        tlsServer.close();
      });
      return stopped;
    },
  };
}
