/**
 * The one module that starts, waits for and stops the harness's processes.
 * Every component is a row of data (`ProcessSpec`: command, flags, readiness
 * check), as in Argo CD's Procfile or kwokctl's binary runtime; the PID of
 * each is recorded in the state folder so a later run can stop what a crashed
 * run left behind, by PID and never by name.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { join } from "node:path";

/** How the harness knows a process is up. */
export type Readiness =
  | { readonly kind: "http"; readonly url: string; readonly ca?: string; readonly cert?: string; readonly key?: string }
  | { readonly kind: "tcp"; readonly port: number }
  | { readonly kind: "none" };

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly ready: Readiness;
  /** @default 60_000 */
  readonly readyTimeoutMs?: number;
}

export interface RunningProcess {
  readonly spec: ProcessSpec;
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process has exited. */
  exit?: { code: number | null; signal: string | null };
}

export class ProcessError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function probeHttp(r: Extract<Readiness, { kind: "http" }>): Promise<boolean> {
  return new Promise((resolve) => {
    const url = new URL(r.url);
    const opts = {
      method: "GET",
      timeout: 2000,
      ...(url.protocol === "https:"
        ? {
            ca: r.ca ? readFileSync(r.ca) : undefined,
            cert: r.cert ? readFileSync(r.cert) : undefined,
            key: r.key ? readFileSync(r.key) : undefined,
            rejectUnauthorized: r.ca !== undefined,
          }
        : {}),
    };
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, opts, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function probeTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(1000);
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export function isReady(r: Readiness): Promise<boolean> {
  if (r.kind === "http") return probeHttp(r);
  if (r.kind === "tcp") return probeTcp(r.port);
  return Promise.resolve(true);
}

/** Last lines of a log file, for an error that explains itself. */
export function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts processes in a state folder, and stops them (and those a crashed run recorded there) by PID. */
export class ProcessGroup {
  private readonly running: RunningProcess[] = [];
  private readonly pidDir: string;
  private readonly logDir: string;

  constructor(stateDir: string) {
    this.pidDir = join(stateDir, "pids");
    this.logDir = join(stateDir, "logs");
    mkdirSync(this.pidDir, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  get processes(): readonly RunningProcess[] {
    return this.running;
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  /** Starts one process and waits until its readiness check passes. */
  async start(spec: ProcessSpec): Promise<RunningProcess> {
    const logFile = this.logFile(spec.name);
    const fd = openSync(logFile, "a");
    // detached: its own process group, so stop() reaches children (git, helm) it spawns.
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    closeSync(fd);
    const started = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid as number));
      child.once("error", (e) => reject(new ProcessError(`${spec.name}: cannot start ${spec.command}: ${e.message}; run \`npm run e2e:tools\` to build the tools`)));
    });
    const proc: RunningProcess = { spec, pid: started, logFile };
    child.once("exit", (code, signal) => (proc.exit = { code, signal }));
    child.unref();
    writeFileSync(join(this.pidDir, `${spec.name}.pid`), `${started}\n`);
    this.running.push(proc);
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (proc.exit) {
        throw new ProcessError(`${spec.name} exited (code ${proc.exit.code}, signal ${proc.exit.signal}) before it was ready; last lines of ${logFile}:\n${tail(logFile)}`);
      }
      if (await isReady(spec.ready)) return proc;
      if (Date.now() > deadline) {
        throw new ProcessError(`${spec.name} not ready within ${(spec.readyTimeoutMs ?? 60_000) / 1000}s (${describe(spec.ready)}); last lines of ${logFile}:\n${tail(logFile)}`);
      }
      await sleep(200);
    }
  }

  /** Stops one process by name (SIGTERM to its group, SIGKILL after a grace period). */
  async stop(name: string, graceMs = 5000): Promise<void> {
    const i = this.running.findIndex((p) => p.spec.name === name);
    if (i < 0) return;
    const [proc] = this.running.splice(i, 1);
    if (proc) await stopPid(proc.pid, graceMs);
    rmSync(join(this.pidDir, `${name}.pid`), { force: true });
  }

  /** Stops everything, newest first. */
  async stopAll(graceMs = 5000): Promise<void> {
    for (const proc of [...this.running].reverse()) await this.stop(proc.spec.name, graceMs);
  }

  /** Stops what a previous run recorded in this state folder and did not stop (a crash). */
  static async reap(stateDir: string): Promise<string[]> {
    const pidDir = join(stateDir, "pids");
    if (!existsSync(pidDir)) return [];
    const stopped: string[] = [];
    for (const file of readdirSync(pidDir)) {
      const pid = Number(readFileSync(join(pidDir, file), "utf8").trim());
      if (Number.isInteger(pid) && pid > 1 && isAlive(pid)) {
        await stopPid(pid, 3000);
        stopped.push(`${file.replace(/\.pid$/, "")} (pid ${pid})`);
      }
      rmSync(join(pidDir, file), { force: true });
    }
    return stopped;
  }
}

function describe(r: Readiness): string {
  if (r.kind === "http") return `GET ${r.url}`;
  if (r.kind === "tcp") return `tcp 127.0.0.1:${r.port}`;
  return "no check";
}

async function stopPid(pid: number, graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal("SIGKILL");
  while (isAlive(pid)) await sleep(50);
}
