// `tsx test/e2e/git/serve.ts --work-dir D --repo-url URL --git-dir G --port P`:
// the git proxy as a process of its own, so the harness starts and stops it
// by PID like every other component and it can outlive a `--keep` run. Writes
// the environment a client needs to `<work-dir>/client-env.json` once it
// listens, and serves until SIGTERM.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startGitProxy } from "./proxy.js";

const { values } = parseArgs({
  options: { "work-dir": { type: "string" }, "repo-url": { type: "string" }, "git-dir": { type: "string" }, port: { type: "string" } },
});
const workDir = values["work-dir"];
const repoURL = values["repo-url"];
const gitDir = values["git-dir"];
if (!workDir || !repoURL || !gitDir || !values.port) {
  console.error("ERROR - usage: serve.ts --work-dir DIR --repo-url URL --git-dir DIR --port PORT");
  process.exit(2);
}
const proxy = await startGitProxy({ workDir, repoURL, gitDir, port: Number(values.port) });
writeFileSync(join(workDir, "client-env.json"), `${JSON.stringify(proxy.env(), null, 2)}\n`);
console.log(`INFO - serving ${repoURL} from ${gitDir} through ${proxy.url}`);
const stop = (): void => {
  for (const r of proxy.requests) console.log(`INFO - ${r.method} ${r.host}${r.path} ${r.status}${r.reason ? ` (${r.reason})` : ""}`);
  void proxy.stop().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
