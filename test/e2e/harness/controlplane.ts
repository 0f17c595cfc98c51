/**
 * A real Kubernetes control plane on 127.0.0.1 as processes: etcd,
 * kube-apiserver (PodSecurity, ResourceQuota, LimitRanger,
 * NamespaceLifecycle and ServiceAccount admission; Node,RBAC authorization),
 * kube-controller-manager and kube-scheduler, each a row of data.
 */
import { join } from "node:path";
import { toolPath } from "../tools/catalog.js";
import { createPki, writeKubeconfig, type Pki } from "./pki.js";
import type { PortSet } from "./ports.js";
import type { ProcessGroup, ProcessSpec } from "./process.js";

/** Service network of every e2e cluster; pod addresses come from kwok's CIDR. Both stay outside 127/8. */
export const SERVICE_CIDR = "10.96.0.0/16";
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const POD_CIDR = "10.244.0.0/16";

export const ADMISSION_PLUGINS = ["NamespaceLifecycle", "LimitRanger", "ServiceAccount", "PodSecurity", "ResourceQuota"] as const;

export interface ControlPlane {
  readonly server: string;
  readonly pki: Pki;
  /** cluster-admin (system:masters): the harness, kwok and the add-on controllers. */
  readonly adminKubeconfig: string;
}

export interface ControlPlaneRows {
  readonly etcd: ProcessSpec;
  readonly apiserver: ProcessSpec;
  readonly controllerManager: ProcessSpec;
  readonly scheduler: ProcessSpec;
}

/** The four components as rows: command, flags, readiness. */
export function controlPlaneRows(stateDir: string, ports: PortSet, pki: Pki, kubeconfigs: { controllerManager: string; scheduler: string }): ControlPlaneRows {
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const delegated = (kubeconfig: string): string[] => [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--client-ca-file=${pki.ca}`,
    `--requestheader-client-ca-file=${pki.frontProxyCa}`,
    "--bind-address=127.0.0.1",
    "--leader-elect=false",
  ];
  return {
    etcd: {
      name: "etcd",
      command: toolPath("etcd"),
      args: [
        "--name=e2e",
        `--data-dir=${join(stateDir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=e2e=${peerUrl}`,
        // A throwaway cluster: durability is not under test, and fsync dominates on small disks.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      ready: { kind: "http", url: `${etcdUrl}/health` },
    },
    apiserver: {
      name: "kube-apiserver",
      command: toolPath("kubernetes", "kube-apiserver"),
      args: [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${ports.apiserver}`,
        // The reconciler refuses a loopback advertise address and retries forever; nothing routes to the Service anyway.
        "--endpoint-reconciler-type=none",
        `--tls-cert-file=${pki.apiserver.cert}`,
        `--tls-private-key-file=${pki.apiserver.key}`,
        `--client-ca-file=${pki.ca}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--service-node-port-range=30000-32767",
        "--authorization-mode=Node,RBAC",
        `--enable-admission-plugins=${ADMISSION_PLUGINS.join(",")}`,
        "--allow-privileged=false",
        `--requestheader-client-ca-file=${pki.frontProxyCa}`,
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
        `--proxy-client-cert-file=${pki.frontProxyClient.cert}`,
        `--proxy-client-key-file=${pki.frontProxyClient.key}`,
        "--profiling=false",
        "--v=1",
      ],
      ready: { kind: "http", url: `https://127.0.0.1:${ports.apiserver}/readyz`, ca: pki.ca },
    },
    controllerManager: {
      name: "kube-controller-manager",
      command: toolPath("kubernetes", "kube-controller-manager"),
      args: [
        ...delegated(kubeconfigs.controllerManager),
        `--secure-port=${ports.controllerManager}`,
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--root-ca-file=${pki.ca}`,
        `--cluster-signing-cert-file=${pki.ca}`,
        `--cluster-signing-key-file=${pki.caKey}`,
        "--allocate-node-cidrs=false",
        "--horizontal-pod-autoscaler-sync-period=5s",
        "--profiling=false",
        "--v=1",
      ],
      ready: { kind: "http", url: `https://127.0.0.1:${ports.controllerManager}/healthz` },
    },
    scheduler: {
      name: "kube-scheduler",
      command: toolPath("kubernetes", "kube-scheduler"),
      args: [...delegated(kubeconfigs.scheduler), `--secure-port=${ports.scheduler}`, "--profiling=false", "--v=1"],
      ready: { kind: "http", url: `https://127.0.0.1:${ports.scheduler}/healthz` },
    },
  };
}

/** Starts the control plane in `stateDir` and returns how to reach it. */
export async function startControlPlane(group: ProcessGroup, stateDir: string, ports: PortSet): Promise<ControlPlane> {
  const pki = await createPki(join(stateDir, "pki"), KUBERNETES_SERVICE_IP);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfig = async (name: string, user: string, groups: readonly string[] = []): Promise<string> => {
    const file = join(stateDir, `${name}.kubeconfig`);
    writeKubeconfig(file, server, pki.ca, await pki.client(name, user, groups), user);
    return file;
  };
  const [adminKubeconfig, controllerManager, scheduler] = await Promise.all([
    kubeconfig("admin", "iot-fleet-e2e", ["system:masters"]),
    kubeconfig("controller-manager", "system:kube-controller-manager"),
    kubeconfig("scheduler", "system:kube-scheduler"),
  ]);
  const rows = controlPlaneRows(stateDir, ports, pki, { controllerManager, scheduler });
  await group.start(rows.etcd);
  await group.start(rows.apiserver);
  await Promise.all([group.start(rows.controllerManager), group.start(rows.scheduler)]);
  return { server, pki, adminKubeconfig };
}
