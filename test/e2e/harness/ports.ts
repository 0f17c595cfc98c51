/**
 * One fixed port set per cluster profile, all on 127.0.0.1 and below 32768
 * (Linux hands out ephemeral ports from 32768 up, so a fixed port there could
 * be taken by any outgoing connection). Profiles reuse object names, so each
 * gets its own API server, state folder and ports; two profiles can run at once.
 */
import { CLUSTERS } from "../../../generators/fleet/clusters.js";

export interface PortSet {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly kwok: number;
  readonly redis: number;
  readonly repoServer: number;
  readonly repoServerMetrics: number;
  readonly applicationControllerMetrics: number;
  readonly gitProxy: number;
  readonly externalSecretsMetrics: number;
  readonly externalSecretsHealth: number;
  readonly certManagerMetrics: number;
  readonly certManagerHealth: number;
  readonly metricsServer: number;
  readonly standIns: number;
  readonly acmeStandIn: number;
  readonly customMetrics: number;
}

const DEFAULT_FIRST = 21000;
const STRIDE = 50;
const LAST_FREE = 32767;

/**
 * Which port set of a profile: 0 for `npm run e2e`, 1 for the sync failure
 * catalogue, 2 for the drills' catalogue, so the three can run at once.
 */
export type Instance = 0 | 1 | 2;
const INSTANCES = 3;

/**
 * Where the port sets start: FLEET_E2E_PORT_BASE moves them all, so two
 * checkouts can run their e2e side by side on one machine.
 */
export function firstPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env["FLEET_E2E_PORT_BASE"];
  if (raw === undefined || raw === "") return DEFAULT_FIRST;
  const span = INSTANCES * CLUSTERS.length * STRIDE;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1024 || value + span > LAST_FREE + 1) {
    throw new Error(
      `FLEET_E2E_PORT_BASE=${raw} is not a usable first port: the e2e needs ${span} ports from it, all between 1024 and ${LAST_FREE} (below the ephemeral range); set an integer from 1024 to ${LAST_FREE + 1 - span}, or unset it for ${DEFAULT_FIRST}`,
    );
  }
  return value;
}

/**
 * The port set of a profile, by its place in the fleet (a copy of a profile
 * shares it), one set per instance.
 */
export function portsFor(cluster: string, instance: Instance = 0): PortSet {
  const index = CLUSTERS.findIndex((c) => c.name === cluster);
  if (index < 0) throw new Error(`no cluster profile named ${cluster}; known: ${CLUSTERS.map((c) => c.name).join(", ")}`);
  const base = firstPort() + (instance * CLUSTERS.length + index) * STRIDE;
  const names: (keyof PortSet)[] = [
    "etcdClient",
    "etcdPeer",
    "apiserver",
    "controllerManager",
    "scheduler",
    "kwok",
    "redis",
    "repoServer",
    "repoServerMetrics",
    "applicationControllerMetrics",
    "gitProxy",
    "externalSecretsMetrics",
    "externalSecretsHealth",
    "certManagerMetrics",
    "certManagerHealth",
    "metricsServer",
    "standIns",
    "acmeStandIn",
    "customMetrics",
  ];
  return Object.fromEntries(names.map((n, i) => [n, base + i])) as unknown as PortSet;
}
