// The git proxy against real clients: the git CLI (ls-remote, clone, push),
// curl and raw sockets. Every client is pointed at the proxy, and git also
// resolves github.com to 127.0.0.1, so a broken proxy setting fails on
// loopback instead of reaching the network. node:net's connect is wrapped to
// record every address this process dials, so the tests can show the proxy's
// tunnels reach 127.0.0.1 and nothing else.
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { connect as tlsConnect, createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, tempDirs } from "../test-support.js";
import { byCodeUnit } from "../../../generators/order.js";
import { isolatedGitEnv } from "./git-env.js";
import { GitProxyError, parseCgiHead, parseTunnelFlag, parseTunnels, repoServerEnv, startGitProxy, type GitProxy } from "./proxy.js";
import { buildRepository } from "./repository.js";

/** Every `host` passed to node:net's connect in this process (the test's own connections included). */
const dialled = vi.hoisted((): string[] => []);
vi.mock("node:net", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:net")>();
  const connect = (...args: unknown[]): unknown => {
    const first = args[0];
    dialled.push(typeof first === "object" && first !== null ? String((first as { host?: unknown }).host ?? "localhost") : String(args[1] ?? "localhost"));
    return (actual.connect as (...a: unknown[]) => unknown)(...args);
  };
  return { ...actual, connect, createConnection: connect, default: { ...actual, connect, createConnection: connect } };
});

const execFileAsync = promisify(execFile);

const REPO_URL = "https://github.com/iot-platform/iot-fleet-gitops.git";
const HOST = "github.com";

const temps = tempDirs("e2e-git");
const temp = (name: string): string => temps.make(name);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command asynchronously (the proxy answers in this process); never throws on a non-zero exit. */
async function run(cmd: string, args: readonly string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, { env, cwd, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? e.message };
  }
}

let home: string;

/** The real git CLI through `proxy`, trusting its CA unless told not to; no user or machine configuration. */
function gitThrough(proxy: GitProxy, args: readonly string[], opts: { trustCa?: boolean; cwd?: string } = {}): Promise<Run> {
  const flags = ["-c", `http.proxy=${proxy.url}`, "-c", `http.curloptResolve=${HOST}:443:127.0.0.1`];
  if (opts.trustCa ?? true) flags.push("-c", `http.sslCAInfo=${proxy.caFile}`);
  return run("git", [...flags, ...args], isolatedGitEnv({ HOME: home }), opts.cwd);
}

/** Sends raw bytes to the proxy and returns everything it answers before closing. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`the proxy did not close the connection within 5s; it answered so far: ${JSON.stringify(answer)}`));
    });
    socket.on("connect", () => socket.write(text));
    socket.on("data", (d: Buffer) => (answer += d.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** A TLS connection to the repository host through the proxy's tunnel, trusting its CA. */
async function tunnel(proxy: GitProxy): Promise<TLSSocket> {
  const raw: Socket = connect({ host: "127.0.0.1", port: proxy.port });
  await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
  raw.write(`CONNECT ${HOST}:443 HTTP/1.1\r\nHost: ${HOST}:443\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let got = "";
    const onData = (d: Buffer): void => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n")) {
        raw.off("data", onData);
        resolve(got);
      }
    };
    raw.on("data", onData).once("error", reject);
  });
  expect(head).toMatch(/^HTTP\/1\.1 200 /);
  const secure = tlsConnect({ socket: raw, servername: HOST, ca: readFileSync(proxy.caFile) });
  await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
  return secure;
}

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((e) => e.name !== ".git")
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort(byCodeUnit);
}

let source: string;
let commit: string;
let gitDir: string;
let proxy: GitProxy;

beforeAll(async () => {
  home = temp("home");
  source = temp("source");
  mkdirSync(join(source, "apps", "kades"), { recursive: true });
  writeFileSync(join(source, "apps", "kades", "deployment-kades-api.yaml"), "apiVersion: apps/v1\nkind: Deployment\n");
  writeFileSync(join(source, "apps", "kades", "service-kades-api.yaml"), "apiVersion: v1\nkind: Service\n");
  writeFileSync(join(source, "kustomization.yaml"), "resources: []\n");
  ({ gitDir, commit } = await buildRepository({ workDir: temp("repo"), files: [{ repoPath: "clusters/prod", sourceDir: source }], branch: "main" }));
  proxy = await startGitProxy({ workDir: temp("proxy"), repoURL: REPO_URL, gitDir });
});

afterAll(async () => {
  await proxy?.stop();
  temps.removeAll();
});

describe("when git fetches the repository URL through the proxy", () => {
  it("should list the commit as main and HEAD with git ls-remote", async () => {
    const r = await gitThrough(proxy, ["ls-remote", REPO_URL]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${commit}\tHEAD\n${commit}\trefs/heads/main\n`);
  });

  it("should answer protocol v0 as well, which go-git (Argo CD's ls-remote) speaks", async () => {
    const r = await gitThrough(proxy, ["-c", "protocol.version=0", "ls-remote", REPO_URL, "refs/heads/main"]);
    expect(r.stdout).toBe(`${commit}\trefs/heads/main\n`);
  });

  it("should clone the files of the commit", async () => {
    const into = join(temp("clone"), "checkout");
    const r = await gitThrough(proxy, ["clone", "--quiet", REPO_URL, into]);
    expect(r.stderr).toBe("");
    expect(filesUnder(into)).toEqual(["clusters/prod/apps/kades/deployment-kades-api.yaml", "clusters/prod/apps/kades/service-kades-api.yaml", "clusters/prod/kustomization.yaml"]);
    expect(readFileSync(join(into, "clusters/prod/kustomization.yaml"), "utf8")).toBe("resources: []\n");
    expect((await run("git", ["-C", into, "rev-parse", "HEAD"], isolatedGitEnv())).stdout.trim()).toBe(commit);
  });

  it("should work with nothing but the environment env() gives a client process", async () => {
    const env = isolatedGitEnv({ HOME: home, ...proxy.env() });
    const r = await run("git", ["-c", `http.curloptResolve=${HOST}:443:127.0.0.1`, "ls-remote", REPO_URL, "refs/heads/main"], env);
    expect(r.stdout).toBe(`${commit}\trefs/heads/main\n`);
  });

  it("should inflate a gzip request body, as git sends for long negotiations", async () => {
    const pkt = (line: string): string => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
    const body = gzipSync(`${pkt(`want ${commit}\n`)}0000${pkt("done\n")}`);
    const socket = await tunnel(proxy);
    const answer = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(
        {
          createConnection: () => socket,
          host: HOST,
          method: "POST",
          path: "/iot-platform/iot-fleet-gitops.git/git-upload-pack",
          headers: { "Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "gzip", "Content-Length": body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    socket.destroy();
    expect(answer.status).toBe(200);
    expect(answer.body.toString("latin1")).toMatch(/^0008NAK\nPACK/);
  });

  it("should record the tunnel and each request with its status", () => {
    expect(proxy.requests).toContainEqual({ method: "CONNECT", host: `${HOST}:443`, path: "", status: 200 });
    expect(proxy.requests).toContainEqual({ method: "GET", host: HOST, path: "/iot-platform/iot-fleet-gitops.git/info/refs?service=git-upload-pack", status: 200 });
    expect(proxy.requests).toContainEqual({ method: "POST", host: HOST, path: "/iot-platform/iot-fleet-gitops.git/git-upload-pack", status: 200 });
  });
});

describe("when a client asks for anything but the repository", () => {
  let decoy: Server;
  let decoyConnections = 0;

  beforeAll(async () => {
    // A listener the proxy would reach if it ever dialled a CONNECT target: it must see nobody.
    decoy = createServer((socket) => {
      decoyConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => decoy.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => decoy.close(() => resolve()));
  });

  const others: { name: string; target: () => string }[] = [
    { name: "example.org:443", target: () => "example.org:443" },
    { name: "the repository host on another port", target: () => `${HOST}:80` },
    { name: "a host that only starts like it", target: () => `${HOST}.example.org:443` },
    { name: "a loopback listener", target: () => `127.0.0.1:${(decoy.address() as AddressInfo).port}` },
  ];

  it.each(others)("should refuse a CONNECT to $name with 403 and a reason, and connect nowhere", async ({ target: targetOf }) => {
    const target = targetOf();
    const answer = await rawExchange(proxy.port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer).toContain(`refused CONNECT ${target}: the git proxy serves only ${HOST}:443 (the repository ${REPO_URL})`);
    expect(proxy.requests).toContainEqual(expect.objectContaining({ method: "CONNECT", host: target, status: 403 }));
    expect(decoyConnections).toBe(0);
  });

  it("should make curl --proxy fail its CONNECT to example.org with 403", async () => {
    // --resolve: were the proxy ignored, curl would still only ever reach loopback.
    const r = await run("curl", ["-sS", "--max-time", "10", "--proxy", proxy.url, "--noproxy", "", "--resolve", "example.org:443:127.0.0.1", "https://example.org/"], isolatedGitEnv());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("CONNECT tunnel failed, response 403");
  });

  it("should refuse a plain (non-CONNECT) proxy request with 403", async () => {
    const answer = await rawExchange(proxy.port, "GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer).toContain("refused GET http://example.org/: the git proxy serves only github.com:443");
  });

  // The second is as long as the served path, so only the proxy's own check (not http-backend's) can refuse it.
  it.each(["other", "iot-fleet-config"])("should answer 404 for another repository on the same host (%s.git)", async (name) => {
    const r = await gitThrough(proxy, ["ls-remote", `https://github.com/iot-platform/${name}.git`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`repository 'https://github.com/iot-platform/${name}.git/' not found`);
    expect(proxy.requests).toContainEqual(expect.objectContaining({ host: HOST, path: `/iot-platform/${name}.git/info/refs?service=git-upload-pack`, status: 404 }));
  });

  it("should refuse a push, leaving the branch where it was", async () => {
    const into = join(temp("push"), "checkout");
    expect((await gitThrough(proxy, ["clone", "--quiet", REPO_URL, into])).code).toBe(0);
    writeFileSync(join(into, "extra.yaml"), "x: 1\n");
    const env = isolatedGitEnv({ HOME: home });
    await run("git", ["-C", into, "add", "extra.yaml"], env);
    await run("git", ["-C", into, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "--quiet", "-m", "x"], env);
    const push = await gitThrough(proxy, ["push", "origin", "HEAD:refs/heads/main"], { cwd: into });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain("403");
    expect((await gitThrough(proxy, ["ls-remote", REPO_URL, "refs/heads/main"])).stdout).toBe(`${commit}\trefs/heads/main\n`);
  });

  it("should fail certificate verification for a client that does not trust the throwaway CA", async () => {
    const into = join(temp("untrusted"), "checkout");
    const r = await gitThrough(proxy, ["clone", "--quiet", REPO_URL, into], { trustCa: false });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/certificate/i);
    expect(existsSync(into)).toBe(false);
  });
});

describe("when the proxy starts", () => {
  it("should listen on 127.0.0.1 only", () => {
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.host).toBe(HOST);
  });

  it("should issue a short-lived certificate for the repository host, signed by the CA, and keep no CA key", () => {
    const ca = new X509Certificate(readFileSync(proxy.caFile));
    const dir = join(proxy.caFile, "..");
    const server = new X509Certificate(readFileSync(join(dir, "server.crt")));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.subjectAltName).toBe(`DNS:${HOST}`);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(server.validTo) - Date.now()).toBeLessThanOrEqual(2 * 24 * 3600 * 1000);
    expect(existsSync(join(dir, "ca.key"))).toBe(false);
  });

  it("should put the CA, under the host's name, where ARGOCD_TLS_DATA_PATH points", () => {
    const env = proxy.env();
    expect(env["ARGOCD_TLS_DATA_PATH"]).toBe(proxy.tlsDataPath);
    expect(readdirSync(proxy.tlsDataPath)).toEqual([HOST]);
    expect(readFileSync(join(proxy.tlsDataPath, HOST), "utf8")).toBe(readFileSync(proxy.caFile, "utf8"));
  });

  it("should give a client the proxy for https and http, loopback excluded, and the CA", () => {
    expect(proxy.env()).toEqual(repoServerEnv(proxy));
    expect(proxy.env()).toEqual({
      HTTPS_PROXY: proxy.url,
      https_proxy: proxy.url,
      HTTP_PROXY: proxy.url,
      http_proxy: proxy.url,
      NO_PROXY: "127.0.0.1,localhost,::1",
      no_proxy: "127.0.0.1,localhost,::1",
      ARGOCD_TLS_DATA_PATH: proxy.tlsDataPath,
      GIT_SSL_CAINFO: proxy.caFile,
      SSL_CERT_FILE: proxy.caFile,
    });
  });

  it("should make a new CA on every start, and stop listening when stopped", async () => {
    const second = await startGitProxy({ workDir: temp("proxy-second"), repoURL: REPO_URL, gitDir });
    try {
      expect(new X509Certificate(readFileSync(second.caFile)).fingerprint256).not.toBe(new X509Certificate(readFileSync(proxy.caFile)).fingerprint256);
      expect((await gitThrough(second, ["ls-remote", REPO_URL, "refs/heads/main"])).stdout).toBe(`${commit}\trefs/heads/main\n`);
    } finally {
      await second.stop();
    }
    await expect(rawExchange(second.port, "GET / HTTP/1.1\r\n\r\n")).rejects.toThrow(/ECONNREFUSED/);
  });

  describe.each([
    ["a folder that is not a git repository", (): { repoURL: string; gitDir: string } => ({ repoURL: REPO_URL, gitDir: temp("not-a-repo") }), /is not a bare git repository .*; build it with buildRepository\(\) first/],
    ["an http:// repository URL", (): { repoURL: string; gitDir: string } => ({ repoURL: "http://github.com/iot-platform/iot-fleet-gitops.git", gitDir }), /is not https:\/\/; the proxy serves HTTPS repositories only/],
    ["a repository URL with credentials", (): { repoURL: string; gitDir: string } => ({ repoURL: "https://user:token@github.com/iot-platform/iot-fleet-gitops.git", gitDir }), /carries credentials/],
  ])("given %s", (_name, input, message) => {
    it("should refuse to start, saying why", async () => {
      await expect(startGitProxy({ workDir: temp("proxy-bad"), ...input() })).rejects.toThrow(GitProxyError);
      await expect(startGitProxy({ workDir: temp("proxy-bad"), ...input() })).rejects.toThrow(message);
    });
  });

  it("should say the port is taken when it is", async () => {
    await expect(startGitProxy({ workDir: temp("proxy-taken"), repoURL: REPO_URL, gitDir, port: proxy.port })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+: .*the port is taken/);
  });
});

/** Sends a CONNECT for `target` and returns the proxy's answer head and the socket, open if it said 200. */
async function connectThrough(port: number, target: string): Promise<{ head: string; socket: Socket }> {
  const socket = connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let got = "";
    const onData = (d: Buffer): void => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n")) {
        socket.off("data", onData);
        resolve(got);
      }
    };
    socket.on("data", onData).once("error", reject);
    socket.once("close", () => resolve(got));
  });
  return { head, socket };
}


describe("when the proxy tunnels a stand-in's host", () => {
  const VAULT = "vault.iot-fleet.internal";
  const DOWN = "acme-v02.api.letsencrypt.org";
  let echo: TlsServer;
  let echoPort: number;
  let echoConnections = 0;
  let downPort: number;
  let tunnelling: GitProxy;

  beforeAll(async () => {
    // A TLS echo server on loopback; its certificate is the one the proxy issues for the host, set once the proxy has started.
    echo = createTlsServer({}, (socket) => socket.pipe(socket));
    echo.on("connection", () => echoConnections++);
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    echoPort = (echo.address() as AddressInfo).port;
    downPort = await freePort();
    tunnelling = await startGitProxy({
      workDir: temp("proxy-tunnels"),
      repoURL: REPO_URL,
      gitDir,
      tunnels: [
        { host: `${VAULT}:8200`, port: echoPort },
        { host: `${DOWN.toUpperCase()}:443`, port: downPort },
      ],
    });
    const issued = tunnelling.hostCertificates[VAULT];
    if (!issued) throw new Error(`no certificate issued for ${VAULT}: ${JSON.stringify(tunnelling.hostCertificates)}`);
    echo.setSecureContext({ cert: readFileSync(issued.certFile), key: readFileSync(issued.keyFile) });
  });

  afterAll(async () => {
    await tunnelling?.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it("should issue each tunnelled host a certificate from the same CA, named after the host, and keep no CA key", () => {
    const dir = join(tunnelling.caFile, "..");
    expect(tunnelling.hostCertificates).toEqual({
      [VAULT]: { certFile: join(dir, `${VAULT}.crt`), keyFile: join(dir, `${VAULT}.key`) },
      [DOWN]: { certFile: join(dir, `${DOWN}.crt`), keyFile: join(dir, `${DOWN}.key`) },
    });
    const ca = new X509Certificate(readFileSync(tunnelling.caFile));
    for (const [host, files] of Object.entries(tunnelling.hostCertificates)) {
      const leaf = new X509Certificate(readFileSync(files.certFile));
      expect(leaf.subjectAltName).toBe(`DNS:${host}`);
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(existsSync(files.keyFile)).toBe(true);
    }
    expect(readdirSync(dir).sort(byCodeUnit)).toEqual([`${DOWN}.crt`, `${DOWN}.key`, "ca.cnf", "ca.crt", "server.crt", "server.key", `${VAULT}.crt`, `${VAULT}.key`].sort(byCodeUnit));
  });

  it("should pipe a CONNECT to the tunnelled host:port to its backend, TLS end to end, verified with the CA", async () => {
    const { head, socket } = await connectThrough(tunnelling.port, `${VAULT}:8200`);
    expect(head).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
    const secure = tlsConnect({ socket, servername: VAULT, ca: readFileSync(tunnelling.caFile) });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    expect(secure.authorized).toBe(true);
    const echoed = new Promise<string>((resolve) => secure.once("data", (d: Buffer) => resolve(d.toString())));
    secure.write("ping through the tunnel");
    expect(await echoed).toBe("ping through the tunnel");
    secure.destroy();
    expect(tunnelling.requests).toContainEqual({ method: "CONNECT", host: `${VAULT}:8200`, path: "", status: 200 });
  });

  it("should fail verification for a client that does not trust the CA", async () => {
    const { socket } = await connectThrough(tunnelling.port, `${VAULT}:8200`);
    const secure = tlsConnect({ socket, servername: VAULT });
    await expect(new Promise((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject))).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    secure.destroy();
  });

  it("should still serve the repository, with the tunnels named in its refusals", async () => {
    expect((await gitThrough(tunnelling, ["ls-remote", REPO_URL, "refs/heads/main"])).stdout).toBe(`${commit}\trefs/heads/main\n`);
    const answer = await rawExchange(tunnelling.port, "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n");
    expect(answer).toContain(`refused CONNECT example.org:443: the git proxy serves only ${HOST}:443 (the repository ${REPO_URL}) and tunnels ${VAULT}:8200, ${DOWN}:443`);
  });

  const unlisted: { name: string; target: () => string }[] = [
    { name: "the tunnelled host on another port", target: () => `${VAULT}:443` },
    { name: "another host on the tunnelled port", target: () => "vault.example.org:8200" },
    { name: "a name that only starts like it", target: () => `${VAULT}.example.org:8200` },
    { name: "the backend's own loopback address", target: () => `127.0.0.1:${echoPort}` },
  ];

  it.each(unlisted)("should refuse a CONNECT to $name with 403, reaching no backend", async ({ target: targetOf }) => {
    const target = targetOf();
    const before = echoConnections;
    const answer = await rawExchange(tunnelling.port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(tunnelling.requests).toContainEqual(expect.objectContaining({ method: "CONNECT", host: target, status: 403 }));
    expect(echoConnections).toBe(before);
  });

  it("should answer 502 with a reason when the tunnel's backend is down, having dialled only 127.0.0.1", async () => {
    const from = dialled.length;
    const answer = await rawExchange(tunnelling.port, `CONNECT ${DOWN}:443 HTTP/1.1\r\nHost: ${DOWN}:443\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    const reason = `tunnel to ${DOWN}:443 failed: its backend 127.0.0.1:${downPort} is not answering (ECONNREFUSED); start the stand-in that serves it`;
    expect(answer).toContain(reason);
    expect(tunnelling.requests).toContainEqual({ method: "CONNECT", host: `${DOWN}:443`, path: "", status: 502, reason });
    // The test's own connection to the proxy, then the proxy's attempt at the backend: both loopback, never the host's name.
    expect(dialled.slice(from)).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  it("should have dialled nothing but 127.0.0.1 from this process so far", () => {
    expect(dialled.length).toBeGreaterThan(0);
    expect(new Set(dialled)).toEqual(new Set(["127.0.0.1"]));
  });

  describe.each([
    ["a host without a port", { host: VAULT, port: 1 }, /tunnels\[0\]\.host "vault\.iot-fleet\.internal" is not host:port/],
    ["a host with a bad port", { host: `${VAULT}:99999`, port: 1 }, /is not host:port/],
    ["a host that is no DNS name", { host: "vault iot:8200", port: 1 }, /is not host:port/],
    ["a backend port out of range", { host: `${VAULT}:8200`, port: 0 }, /tunnels\[0\]\.port 0 for vault\.iot-fleet\.internal:8200 is not a port/],
    ["the repository's own host:port", { host: "GitHub.com:443", port: 1 }, /is the repository's own host:port/],
  ])("given a tunnel to %s", (_name, tunnel, message) => {
    it("should refuse it, saying which and why", () => {
      expect(() => parseTunnels([tunnel], `${HOST}:443`)).toThrow(GitProxyError);
      expect(() => parseTunnels([tunnel], `${HOST}:443`)).toThrow(message);
    });
  });

  it("should refuse a host:port listed twice, whatever its case", () => {
    expect(() => parseTunnels([{ host: `${VAULT}:8200`, port: 1 }, { host: `VAULT.iot-fleet.internal:8200`, port: 2 }], `${HOST}:443`)).toThrow(/tunnels\[1\]\.host vault\.iot-fleet\.internal:8200 is listed twice/);
  });

  it("should accept one hostname on two ports, as two tunnels", () => {
    expect(parseTunnels([{ host: `${VAULT}:8200`, port: 1 }, { host: `${VAULT}:443`, port: 2 }], `${HOST}:443`)).toEqual([
      { host: `${VAULT}:8200`, port: 1 },
      { host: `${VAULT}:443`, port: 2 },
    ]);
  });

  it("should read --tunnel HOST:PORT=BACKEND_PORT, and refuse anything else", () => {
    expect(parseTunnelFlag(`${VAULT}:8200=18200`)).toEqual({ host: `${VAULT}:8200`, port: 18200 });
    for (const bad of [`${VAULT}:8200`, `${VAULT}:8200=`, "=18200", `${VAULT}:8200=x`]) {
      expect(() => parseTunnelFlag(bad)).toThrow(/is not HOST:PORT=BACKEND_PORT/);
    }
  });
});

describe("when reading a CGI response head", () => {
  it("should take the code from Status: and keep repeated headers", () => {
    const head = parseCgiHead("Status: 404 Not Found\r\nExpires: a\r\nPragma: no-cache\r\nCache-Control: x\r\nCache-Control: y\r\n");
    expect(head.status).toBe(404);
    expect(head.headers.get("Cache-Control")).toEqual(["x", "y"]);
    expect(head.headers.has("Status")).toBe(false);
  });

  it("should default to 200 without a Status: line, with LF line ends too", () => {
    const head = parseCgiHead("Content-Type: application/x-git-upload-pack-advertisement\nPragma: no-cache");
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Type")).toEqual(["application/x-git-upload-pack-advertisement"]);
  });
});
