// `tsx test/e2e/git/serve.ts --work-dir D --repo-url URL --git-dir G --port P
//   [--tunnel vault.iot-fleet.internal:8200=18200 ...]`:
// the git proxy as a process of its own, so the harness starts and stops it
// by PID like every other component and it can outlive a `--keep` run. Once
// it listens it writes `<work-dir>/host-certificates.json` (per tunnelled
// hostname, the certificate and key its stand-in serves) and then
// `<work-dir>/client-env.json` (the environment a client needs), and serves
// until SIGTERM.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseTunnelFlag, startGitProxy, type GitProxyTunnel } from "./proxy.js";

const USAGE = "usage: serve.ts --work-dir DIR --repo-url URL --git-dir DIR --port PORT [--tunnel HOST:PORT=BACKEND_PORT ...]";

const { values } = parseArgs({
  options: {
    "work-dir": { type: "string" },
    "repo-url": { type: "string" },
    "git-dir": { type: "string" },
    port: { type: "string" },
    tunnel: { type: "string", multiple: true },
  },
});
const workDir = values["work-dir"];
const repoURL = values["repo-url"];
const gitDir = values["git-dir"];
if (!workDir || !repoURL || !gitDir || !values.port) {
  console.error(`ERROR - ${USAGE}`);
  process.exit(2);
}
let tunnels: GitProxyTunnel[];
try {
  tunnels = (values.tunnel ?? []).map(parseTunnelFlag);
} catch (error) {
  console.error(`ERROR - ${(error as Error).message}; ${USAGE}`);
  process.exit(2);
}
const proxy = await startGitProxy({ workDir, repoURL, gitDir, port: Number(values.port), tunnels });
writeFileSync(join(workDir, "host-certificates.json"), `${JSON.stringify(proxy.hostCertificates, null, 2)}\n`);
// Last and by rename: the harness waits for this file, and must not read it half-written.
writeFileSync(join(workDir, "client-env.json.tmp"), `${JSON.stringify(proxy.env(), null, 2)}\n`);
renameSync(join(workDir, "client-env.json.tmp"), join(workDir, "client-env.json"));
console.log(`INFO - serving ${repoURL} from ${gitDir} through ${proxy.url}`);
for (const t of proxy.tunnels) console.log(`INFO - tunnelling ${t.host} to 127.0.0.1:${t.port}`);
const stop = (): void => {
  for (const r of proxy.requests) console.log(`INFO - ${r.method} ${r.host}${r.path} ${r.status}${r.reason ? ` (${r.reason})` : ""}`);
  void proxy.stop().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
