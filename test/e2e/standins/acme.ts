/**
 * The smallest stand-in for an ACME server (Let's Encrypt) that lets a real
 * cert-manager register its ClusterIssuer's account: the directory, nonces,
 * new-account and the account itself (RFC 8555 sections 7.1, 7.2, 7.3). It
 * reads no JWS signature and issues nothing: an order is refused with an
 * ACME error naming the stand-in, so a Certificate that needs one fails
 * visibly. Served over TLS at the issuer's own address through the loopback
 * proxy's tunnel, so the ClusterIssuer applies unchanged.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";

export interface AcmeStandInOptions {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** Origin clients use, e.g. `https://acme-v02.api.letsencrypt.org`. */
  readonly origin: string;
  /** Path of the directory, as the ClusterIssuer's server URL names it (`/directory`). */
  readonly directoryPath: string;
}

export interface AcmeRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface AcmeStandIn {
  readonly requests: readonly AcmeRequest[];
  stop(): Promise<void>;
}

const ACCOUNT_PATH = "/acme/acct/1";

export async function startAcmeStandIn(opts: AcmeStandInOptions): Promise<AcmeStandIn> {
  const requests: AcmeRequest[] = [];
  let contact: unknown = [];
  const url = (path: string): string => `${opts.origin}${path}`;
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, {
      "Replay-Nonce": randomBytes(16).toString("base64url"),
      "Cache-Control": "no-store",
      Link: `<${url(opts.directoryPath)}>;rel="index"`,
      ...(body === undefined ? {} : { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" }),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const account = (): unknown => ({ status: "valid", contact, orders: url("/acme/acct/1/orders") });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let body = "";
    for await (const chunk of req) body += String(chunk);
    if (req.method === "GET" && path === opts.directoryPath) {
      send(res, 200, { newNonce: url("/acme/new-nonce"), newAccount: url("/acme/new-account"), newOrder: url("/acme/new-order"), revokeCert: url("/acme/revoke-cert"), keyChange: url("/acme/key-change") });
      return 200;
    }
    if (path === "/acme/new-nonce") {
      send(res, req.method === "HEAD" ? 200 : 204);
      return req.method === "HEAD" ? 200 : 204;
    }
    if (req.method === "POST" && path === "/acme/new-account") {
      // The payload is base64url JSON inside the JWS; the stand-in takes the contact and trusts the rest.
      try {
        const jws = JSON.parse(body) as { protected?: unknown; payload?: unknown } | null;
        if (typeof jws?.protected !== "string" || typeof jws.payload !== "string") throw new Error("not a flattened JWS");
        const payload = JSON.parse(Buffer.from(jws.payload, "base64url").toString() || "{}") as { contact?: unknown };
        contact = payload.contact ?? [];
      } catch {
        send(res, 400, { type: "urn:ietf:params:acme:error:malformed", detail: "stand-in: the request is not a JWS with a JSON payload" });
        return 400;
      }
      send(res, 201, account(), { Location: url(ACCOUNT_PATH) });
      return 201;
    }
    if (req.method === "POST" && path === ACCOUNT_PATH) {
      send(res, 200, account(), { Location: url(ACCOUNT_PATH) });
      return 200;
    }
    send(res, 403, { type: "urn:ietf:params:acme:error:unauthorized", detail: `stand-in ACME server: ${req.method} ${path} is not served here; only account registration is` });
    return 403;
  };

  const server = createServer({ cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) }, (req, res) => {
    handle(req, res).then(
      (status) => requests.push({ method: req.method ?? "", path: req.url ?? "", status }),
      () => {
        res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  return {
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
