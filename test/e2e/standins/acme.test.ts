import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, selfSignedCert, tempDirs } from "../test-support.js";
import { startAcmeStandIn, type AcmeStandIn } from "./acme.js";

const temps = tempDirs("e2e-acme");
const ORIGIN = "https://acme-v02.api.letsencrypt.org";
let acme: AcmeStandIn;
let port: number;

// Requests go straight to the loopback listener, addressed by the issuer's host name.
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  // Asynchronous: the server under test runs in this process.
  const { stdout: out } = await promisify(execFile)("curl", ["-sk", "-X", method, "--resolve", `acme-v02.api.letsencrypt.org:${port}:127.0.0.1`, "-D", "-", ...(body ? ["-d", JSON.stringify(body)] : []), `https://acme-v02.api.letsencrypt.org:${port}${path}`], { encoding: "utf8" });
  const [head = "", text = ""] = out.split(/\r\n\r\n/);
  const headers = new Headers(head.split("\r\n").slice(1).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as [string, string]));
  return { status: Number(head.split(" ")[1]), json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers };
}

beforeAll(async () => {
  port = await freePort();
  acme = await startAcmeStandIn({ port, ...selfSignedCert(temps.make("tls"), "acme-v02.api.letsencrypt.org"), origin: ORIGIN, directoryPath: "/directory" });
});
afterAll(async () => {
  await acme?.stop();
  temps.removeAll();
});

describe("when cert-manager registers its ClusterIssuer's account", () => {
  it("should serve the directory at the issuer's path, with URLs on the issuer's own origin", async () => {
    const r = await call("GET", "/directory");
    expect(r.status).toBe(200);
    expect(r.json["newAccount"]).toBe(`${ORIGIN}/acme/new-account`);
    expect(r.headers.get("replay-nonce")).toMatch(/^[A-Za-z0-9_-]{10,}$/);
  });

  it("should create a valid account with the contact it was given", async () => {
    const payload = Buffer.from(JSON.stringify({ contact: ["mailto:platform@example.org"], termsOfServiceAgreed: true })).toString("base64url");
    const r = await call("POST", "/acme/new-account", { protected: "e30", payload, signature: "x" });
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(`${ORIGIN}/acme/acct/1`);
    expect(r.json).toMatchObject({ status: "valid", contact: ["mailto:platform@example.org"] });
  });

  it("should refuse an order with an ACME error that names the stand-in", async () => {
    const r = await call("POST", "/acme/new-order", { payload: "e30" });
    expect(r.status).toBe(403);
    expect(String(r.json["detail"])).toMatch(/^stand-in ACME server: POST \/acme\/new-order is not served here/);
  });

  it("should refuse a request that is not a JWS", async () => {
    const r = await call("POST", "/acme/new-account", "not json");
    expect(r.status).toBe(400);
  });
});
