/**
 * The e2e environment of one cluster profile, and one deployment into it:
 * start the control plane shaped like the profile, run Argo CD and the
 * add-on controllers, serve a rendered cluster directory as the commit under
 * test, apply the cluster's committed Argo CD objects unchanged, wait until
 * Argo CD calls every Application Synced and Healthy, and say what it saw.
 * One environment serves many deployments (the failure catalogue resets it
 * between cases instead of starting a control plane per case).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ClusterProfile } from "../../../generators/fleet/types.js";
import { addonRows, aggregatedApi, customMetricsRow, podsMetrics } from "./addons.js";
import { argoCdConfig, argoCdRows, ARGOCD_NAMESPACE } from "./argocd.js";
import { startControlPlane } from "./controlplane.js";
import { crdsFor, fleetCrds } from "./crds.js";
import { diagnose, type ApplicationFinding } from "./diagnose.js";
import { gitClientEnv, gitServerRow, publishCommit, type GitServer } from "./git.js";
import { publishAddresses } from "./published-addresses.js";
import { Kubectl, type KubeObject } from "./kubectl.js";
import { kwokRow, storageClasses } from "./kwok.js";
import { POOL_LABEL, profileNodes } from "./nodes.js";
import { portsFor, type Instance, type PortSet } from "./ports.js";
import { ProcessGroup } from "./process.js";
import { STAND_INS, type StandIn } from "./stand-ins.js";
import { readTree, type SkippedApplication, type Target } from "./target.js";
import { acmeHost, acmeRow, EXTERNAL_SECRETS_ACCOUNT, secretsTable, vaultHost, vaultRow } from "./tunnelled-stand-ins.js";
import { waitForApplications, type ApplicationState } from "./wait.js";
import type { DrillResult } from "../drills/drill.js";
import { runDrills } from "../drills/runner.js";

export const E2E_STATE_ROOT = resolve(import.meta.dirname, "../../../.cache/e2e");

/** The state folder (and PID files) of a profile's environment. */
export const stateDirOf = (cluster: string, instance: Instance = 0): string => join(E2E_STATE_ROOT, instance === 0 ? cluster : `${cluster}-${instance}`);

/** What the add-ons' charts would create and the harness needs: Argo CD's namespace and external-secrets' ServiceAccount (Vault logs it in). */
const CHART_STAND_INS = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: ARGOCD_NAMESPACE } },
  { apiVersion: "v1", kind: "Namespace", metadata: { name: EXTERNAL_SECRETS_ACCOUNT.namespace } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { ...EXTERNAL_SECRETS_ACCOUNT } },
];

export interface ApplicationReport {
  readonly name: string;
  readonly sync: string;
  readonly health: string;
  readonly objects: number;
  readonly healthyAfterSeconds?: number;
}

export interface ClusterReport {
  readonly cluster: string;
  readonly dir: string;
  readonly ok: boolean;
  readonly commit?: string;
  readonly seconds: { readonly controlPlane: number; readonly argoCd: number; readonly healthy: number; readonly total: number };
  readonly applications: readonly ApplicationReport[];
  readonly skipped: readonly SkippedApplication[];
  readonly findings: readonly ApplicationFinding[];
  /** Problems waiting would not fix, one line each, naming the object and the reason. */
  readonly blockers: readonly string[];
  readonly podsPerPool: Readonly<Record<string, number>>;
  readonly standIns: readonly StandIn[];
  readonly stateDir: string;
  readonly kubeconfig?: string;
  /** Set when the run could not get as far as waiting (a component did not start). */
  readonly error?: string;
  /** The fault drills' rows, when asked for (`--drills`) and the cluster came up healthy. */
  readonly drills?: readonly DrillResult[];
}

/** Waits for every step, then throws the first failure: nothing is still starting when the caller stops the group. */
async function allStarted(steps: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

const since = (t: number): number => Math.round((Date.now() - t) / 100) / 10;

async function podsPerPool(kubectl: Kubectl): Promise<Record<string, number>> {
  const nodes = await kubectl.list("nodes");
  const poolOf = new Map(nodes.map((n) => [n.metadata?.name ?? "", n.metadata?.labels?.[POOL_LABEL] ?? "?"]));
  const out: Record<string, number> = {};
  for (const pod of await kubectl.list("pods")) {
    const node = (pod["spec"] as { nodeName?: string } | undefined)?.nodeName;
    const key = node ? (poolOf.get(node) ?? "?") : "(not scheduled)";
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function applicationReports(states: readonly ApplicationState[], healthyAfter: Readonly<Record<string, number>>): ApplicationReport[] {
  return states
    .map((s) => ({ name: s.name, sync: s.sync, health: s.health, objects: s.resources.length, healthyAfterSeconds: healthyAfter[s.name] }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface DeployOptions {
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** A running control plane with Argo CD for one profile. */
export class Environment {
  private constructor(
    readonly profile: ClusterProfile,
    readonly stateDir: string,
    readonly ports: PortSet,
    readonly group: ProcessGroup,
    readonly kubectl: Kubectl,
    readonly kubeconfig: string,
    readonly git: GitServer,
    readonly seconds: { readonly controlPlane: number; readonly argoCd: number },
    /** Every CRD of the pinned modules: a later target may use a kind the first did not. */
    private readonly crds: readonly KubeObject[],
  ) {}

  /**
   * Starts everything for `profile` in a fresh state folder, stopping what a
   * crashed run left there; `first` is the directory the git proxy serves first.
   */
  static async start(profile: ClusterProfile, first: Target, log: (line: string) => void = () => {}, instance: Instance = 0): Promise<Environment> {
    const stateDir = stateDirOf(profile.name, instance);
    const reaped = await ProcessGroup.reap(stateDir);
    if (reaped.length > 0) log(`${profile.name}: stopped what an earlier run left running: ${reaped.join(", ")}`);
    rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(stateDir, { recursive: true });
    const ports = portsFor(profile.name, instance);
    const group = new ProcessGroup(stateDir);
    const started = Date.now();
    // Independent steps overlap: the CRDs are read while etcd starts, and nodes, kwok and the CRDs go in together.
    const crds = fleetCrds();
    crds.catch(() => undefined); // awaited below; a control plane that fails first must not leave it unhandled
    try {
      const cp = await startControlPlane(group, stateDir, ports);
      const kubectl = new Kubectl(cp.adminKubeconfig);
      const nodes = profileNodes(profile);
      await allStarted([
        (async () => {
          // Node status (capacity, allocatable) is accepted on create, not through apply.
          await kubectl.run(["create", "-f", "-"], nodes.map((n) => `---\n${JSON.stringify(n)}\n`).join(""));
          await group.start(kwokRow(stateDir, ports, cp.adminKubeconfig, cp.pki.apiserver));
        })(),
        (async () => {
          await kubectl.apply([...storageClasses(profile), ...crdsFor(await crds, readTree(first.dir)), ...CHART_STAND_INS]);
          await kubectl.run(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
        })(),
      ]);
      const controlPlane = since(started);
      log(`${profile.name}: control plane up in ${controlPlane}s with ${nodes.length} kwok nodes`);

      const argoStarted = Date.now();
      const vault = vaultHost(profile);
      const acme = acmeHost(profile);
      const tunnels = { ...(vault ? { [vault]: ports.standIns } : {}), ...(acme ? { [acme]: ports.acmeStandIn } : {}) };
      const git = gitServerRow(join(stateDir, "git"), profile.repository.url, ports.gitProxy, tunnels);
      await publishCommit(git.workDir, first.repoPath, first.dir, profile.repository.targetRevision);
      // The proxy issues the tunnels' certificates and the clients' settings the rows below read.
      await group.start(git.row);
      const proxyEnv = await gitClientEnv(git);
      const addons = { stateDir, ports, kubeconfig: cp.adminKubeconfig, proxyEnv };
      const admin = await cp.pki.client("admin", "iot-fleet-e2e", ["system:masters"]);
      const tree = readTree(first.dir);
      const metrics = podsMetrics(tree);
      // The controller reads its settings at start and exits without them.
      await kubectl.apply([
        ...argoCdConfig(first.argocdCm),
        ...aggregatedApi("metrics-server", "metrics.k8s.io", "v1beta1", ports.metricsServer),
        ...(metrics.length > 0 ? aggregatedApi("custom-metrics", "custom.metrics.k8s.io", "v1beta2", ports.customMetrics) : []),
      ]);
      // Every row waits only for its own readiness; none needs another to be up to start.
      const rows = [
        ...(vault
          ? [vaultRow({ profile, port: ports.standIns, stateDir, proxyWorkDir: join(git.workDir, "proxy"), server: cp.server, pki: cp.pki, admin, secrets: secretsTable(tree, profile.secretStore) })]
          : []),
        ...(acme ? [acmeRow(profile, ports.acmeStandIn, join(git.workDir, "proxy"))] : []),
        ...addonRows(addons),
        ...(metrics.length > 0 ? [customMetricsRow(addons, cp.pki.apiserver, { server: cp.server, ca: cp.pki.ca, ...admin }, metrics)] : []),
        ...argoCdRows({ stateDir, ports, kubeconfig: cp.adminKubeconfig, gitEnv: proxyEnv }),
      ];
      await allStarted(rows.map((row) => group.start(row)));
      const argoCd = since(argoStarted);
      log(`${profile.name}: Argo CD and the add-ons up in ${argoCd}s`);
      return new Environment(profile, stateDir, ports, group, kubectl, cp.adminKubeconfig, git, { controlPlane, argoCd }, await crds);
    } catch (error) {
      await group.stopAll();
      throw error;
    }
  }

  /** Serves `target` as the commit under test, applies its Argo CD objects and waits for them. */
  async deploy(target: Target, opts: DeployOptions = {}): Promise<ClusterReport> {
    const log = opts.log ?? (() => {});
    const cluster = this.profile.name;
    const started = Date.now();
    const commit = await publishCommit(this.git.workDir, target.repoPath, target.dir, this.profile.repository.targetRevision);
    log(`${cluster}: serving ${target.dir} as ${target.repoPath} at commit ${commit.slice(0, 12)}`);
    const served = new Set((await this.kubectl.list("customresourcedefinitions")).map((c) => c.metadata?.name));
    const missing = crdsFor(this.crds, readTree(target.dir)).filter((c) => !served.has(c.metadata?.name));
    if (missing.length > 0) {
      await this.kubectl.apply(missing);
      await this.kubectl.run(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
    }
    await this.kubectl.apply(argoCdConfig(target.argocdCm));
    await this.kubectl.apply(target.projects);
    await this.kubectl.apply(target.applications);
    const names = target.applications.map((a) => a.metadata?.name ?? "");
    const result = await waitForApplications(
      this.kubectl,
      names,
      opts.timeoutMs ?? 300_000,
      (l) => log(`${cluster}: ${l}`),
      async () => {
        await publishAddresses(this.kubectl, this.profile.ingressClass);
      },
    );
    const findings = result.ok ? [] : await diagnose(this.kubectl, result.states);
    return {
      cluster,
      dir: target.dir,
      ok: result.ok,
      commit,
      seconds: { ...this.seconds, healthy: since(started), total: 0 },
      applications: applicationReports(result.states, result.healthyAfter),
      skipped: target.skipped,
      findings,
      blockers: result.blockers,
      podsPerPool: await podsPerPool(this.kubectl),
      standIns: STAND_INS,
      stateDir: this.stateDir,
    };
  }

  /**
   * Back to an empty cluster between deployments: Applications deleted, then
   * every namespace they used (and with it what they synced), so the next
   * case starts as the first did.
   */
  async reset(): Promise<void> {
    const apps = await this.kubectl.list("applications.argoproj.io", ARGOCD_NAMESPACE);
    const namespaces = new Set<string>();
    for (const app of apps) {
      const resources = ((app["status"] as { resources?: { namespace?: string; kind: string; name: string }[] } | undefined)?.resources ?? []);
      for (const r of resources) {
        if (r.namespace) namespaces.add(r.namespace);
        if (r.kind === "Namespace") namespaces.add(r.name);
      }
    }
    // Argo CD holds an Application's deletion while its sync still waits for health (a failed case's does);
    // the namespaces below remove what it synced, so its resources finalizer is dropped first.
    for (const app of apps) {
      await this.kubectl.run(["patch", "applications.argoproj.io", app.metadata?.name ?? "", "-n", ARGOCD_NAMESPACE, "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    }
    await this.kubectl.run(["delete", "applications.argoproj.io", "--all", "-n", ARGOCD_NAMESPACE, "--wait=true", "--timeout=120s"]);
    await this.kubectl.run(["delete", "appprojects.argoproj.io", "--all", "-n", ARGOCD_NAMESPACE, "--wait=true", "--timeout=60s"]);
    namespaces.delete(ARGOCD_NAMESPACE);
    if (namespaces.size > 0) {
      await this.kubectl.run(["delete", "namespace", ...[...namespaces].sort(), "--ignore-not-found", "--wait=true", "--timeout=180s"]);
    }
    // Cluster-scoped leftovers of the previous case (released volumes, nodes a drill added for the autoscaler), and what the charts would have created.
    await this.kubectl.run(["delete", "persistentvolumes", "--all", "--wait=false"]);
    const profiled = new Set(profileNodes(this.profile).map((n) => n.metadata?.name));
    const extra = (await this.kubectl.list("nodes")).map((n) => n.metadata?.name ?? "").filter((n) => !profiled.has(n));
    if (extra.length > 0) await this.kubectl.run(["delete", "nodes", ...extra.sort(), "--wait=true"]);
    await this.kubectl.apply(CHART_STAND_INS);
  }

  async stop(): Promise<void> {
    this.kubectl.close();
    await this.group.stopAll();
  }
}

/** State folders of the clusters this process is running now. */
const running = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** The components run in process groups of their own, which Ctrl-C does not reach: stop them by their PID files. */
function interrupted(signal: NodeJS.Signals): void {
  process.stderr.write(`ERROR - ${signal}: stopping what the e2e started (${[...running].join(", ")})\n`);
  void Promise.allSettled([...running].map((dir) => ProcessGroup.reap(dir))).finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
}

function stopOnInterrupt(stateDir: string): void {
  if (running.size === 0) for (const signal of SIGNALS) process.on(signal, interrupted);
  running.add(stateDir);
}

/** One cluster start to finish: the `npm run e2e` path. */
export async function runCluster(target: Target, opts: DeployOptions & { readonly keep?: boolean; readonly drills?: boolean } = {}): Promise<ClusterReport> {
  const started = Date.now();
  let env: Environment | undefined;
  const stateDir = stateDirOf(target.profile.name);
  stopOnInterrupt(stateDir);
  try {
    env = await Environment.start(target.profile, target, opts.log);
    const report = await env.deploy(target, opts);
    // Drills start only from a cluster that is Synced and Healthy.
    const drills = opts.drills && report.ok ? await runDrills(env, target, opts.log ?? (() => {})) : undefined;
    const ok = report.ok && (drills ?? []).every((d) => d.ok);
    return { ...report, ok, drills, seconds: { ...report.seconds, total: since(started) }, kubeconfig: opts.keep ? env.kubeconfig : undefined };
  } catch (error) {
    return {
      cluster: target.profile.name,
      dir: target.dir,
      ok: false,
      seconds: { controlPlane: 0, argoCd: 0, healthy: 0, total: since(started) },
      applications: [],
      skipped: target.skipped,
      findings: [],
      blockers: [],
      podsPerPool: {},
      standIns: STAND_INS,
      stateDir,
      error: (error as Error).message,
    };
  } finally {
    if (env && !opts.keep) await env.stop();
    running.delete(stateDir);
    if (running.size === 0) for (const signal of SIGNALS) process.off(signal, interrupted);
  }
}
