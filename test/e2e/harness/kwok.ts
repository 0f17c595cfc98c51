/**
 * kwok: the nodes' kubelets, emulated. It keeps the profile's nodes Ready
 * (heartbeats with leases), moves scheduled pods to Running and Ready and
 * completes Jobs' pods, with upstream's Stage files. It runs no container:
 * that is the real-node e2e's business.
 *
 * It also stands in for the storage provisioner (the CSI driver of a real
 * cluster cannot exist here): one Stage creates a PersistentVolume for a
 * claim of an e2e StorageClass when a real provisioner would, at once for
 * `Immediate` classes and after the scheduler picked a node for
 * `WaitForFirstConsumer` ones. Binding the claim is left to
 * kube-controller-manager's real PV controller; nothing writes a status.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ClusterProfile, VolumeBindingMode } from "../../../generators/fleet/types.js";
import { toolDir, toolPath } from "../tools/catalog.js";
import type { KubeObject } from "./kubectl.js";
import { KWOK_NODE_ANNOTATION } from "./nodes.js";
import { POD_CIDR } from "./controlplane.js";
import type { PortSet } from "./ports.js";
import type { ProcessSpec } from "./process.js";

/** Upstream Stage files the tools build copies out of the kwok module. */
export const KWOK_STAGES = ["node-initialize.yaml", "node-heartbeat-with-lease.yaml", "pod-ready.yaml", "pod-complete.yaml", "pod-delete.yaml"] as const;

/**
 * How the stand-in provisioner treats a class: node-local volumes (local-path,
 * kind's standard) are pinned to the node the scheduler picked; network-attached
 * ones (the classes a profile lists in readWriteMany) are reachable from every node.
 */
export type VolumeKind = "node-local" | "network";

/** The provisioner name of an e2e StorageClass: what a stand-in volume is and when it is made. */
export function provisionerFor(mode: VolumeBindingMode, kind: VolumeKind): string {
  return `e2e.iot-fleet.io/${kind}-${mode === "Immediate" ? "immediate" : "wait-for-first-consumer"}`;
}

const PROVISIONERS = (["node-local", "network"] as const).flatMap((kind) =>
  (["Immediate", "WaitForFirstConsumer"] as const).map((mode) => ({ kind, mode, name: provisionerFor(mode, kind) })),
);

/** The profile's StorageClasses with the binding mode the profile states. */
export function storageClasses(profile: ClusterProfile): KubeObject[] {
  const names = [...new Set(Object.values(profile.storageClasses))].sort();
  return names.map((name) => {
    const mode = profile.storageClassBinding[name];
    if (mode === undefined) {
      throw new Error(`cluster ${profile.name}: storage class ${name} has no binding mode; add it to storageClassBinding in generators/fleet/clusters.ts`);
    }
    const roles = (Object.keys(profile.storageClasses) as (keyof ClusterProfile["storageClasses"])[]).filter((r) => profile.storageClasses[r] === name);
    const kind: VolumeKind = roles.some((r) => profile.readWriteMany.includes(r)) ? "network" : "node-local";
    return {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name },
      provisioner: provisionerFor(mode, kind),
      reclaimPolicy: "Delete",
      volumeBindingMode: mode,
      allowVolumeExpansion: true,
    };
  });
}

const PROVISIONER_ANNOTATION = "volume.kubernetes.io/storage-provisioner";
const SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node";

/** The Stage that creates a PersistentVolume for a claim, as an external provisioner does. */
export function provisionerStage(): object {
  const ann = (key: string): string => `self.metadata.annotations['${key}']`;
  const hasAnn = (key: string): string => `has(self.metadata.annotations) && '${key}' in self.metadata.annotations`;
  const provisionedBy = (names: readonly string[]): string =>
    `${hasAnn(PROVISIONER_ANNOTATION)} && ${ann(PROVISIONER_ANNOTATION)} in [${names.map((n) => `'${n}'`).join(", ")}]`;
  const immediate = provisionedBy(PROVISIONERS.filter((p) => p.mode === "Immediate").map((p) => p.name));
  const waiting = `${provisionedBy(PROVISIONERS.filter((p) => p.mode === "WaitForFirstConsumer").map((p) => p.name))} && ${hasAnn(SELECTED_NODE_ANNOTATION)}`;
  const nodeLocal = PROVISIONERS.filter((p) => p.kind === "node-local").map((p) => p.name);
  return {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "Stage",
    metadata: { name: "e2e-volume-provision" },
    spec: {
      resourceRef: { apiGroup: "v1", kind: "PersistentVolumeClaim" },
      selector: {
        matchExpressions: [
          { cel: { expression: "!has(self.metadata.deletionTimestamp)" } },
          { cel: { expression: "!has(self.spec.volumeName)" } },
          { cel: { expression: `(${immediate}) || (${waiting})` } },
        ],
      },
      steps: [
        {
          apply: {
            template: [
              "apiVersion: v1",
              "kind: PersistentVolume",
              "metadata:",
              "  name: pvc-{{ .metadata.uid }}",
              "  annotations:",
              `    pv.kubernetes.io/provisioned-by: {{ index .metadata.annotations "${PROVISIONER_ANNOTATION}" | Quote }}`,
              "spec:",
              "  accessModes:",
              "  {{ YAML .spec.accessModes 1 }}",
              "  capacity:",
              "    storage: {{ .spec.resources.requests.storage | Quote }}",
              "  persistentVolumeReclaimPolicy: Delete",
              "  storageClassName: {{ .spec.storageClassName | Quote }}",
              '  volumeMode: {{ default "Filesystem" .spec.volumeMode | Quote }}',
              "  claimRef:",
              "    apiVersion: v1",
              "    kind: PersistentVolumeClaim",
              "    name: {{ .metadata.name | Quote }}",
              "    namespace: {{ .metadata.namespace | Quote }}",
              "    uid: {{ .metadata.uid | Quote }}",
              "  hostPath:",
              "    path: /var/lib/e2e-volumes/pvc-{{ .metadata.uid }}",
              // Only node-local volumes are pinned to the node their first pod landed on.
              `  {{ if and (has (index .metadata.annotations "${PROVISIONER_ANNOTATION}") (list ${nodeLocal.map((n) => `"${n}"`).join(" ")})) (index .metadata.annotations "${SELECTED_NODE_ANNOTATION}") }}`,
              "  nodeAffinity:",
              "    required:",
              "      nodeSelectorTerms:",
              "      - matchExpressions:",
              "        - key: kubernetes.io/hostname",
              "          operator: In",
              "          values:",
              `          - {{ index .metadata.annotations "${SELECTED_NODE_ANNOTATION}" | Quote }}`,
              "  {{ end }}",
            ].join("\n"),
          },
        },
      ],
    },
  };
}

/** kwok's resource metrics (what a kubelet's /metrics/resource serves) and per-pod usage from annotations, as upstream ships them. */
export const KWOK_METRICS = ["metrics-resource.yaml", "usage-from-annotation.yaml"] as const;

export function kwokRow(stateDir: string, ports: PortSet, kubeconfig: string, tls: { readonly cert: string; readonly key: string }): ProcessSpec {
  const provisioner = join(stateDir, "kwok-volume-provision.yaml");
  writeFileSync(provisioner, stringify(provisionerStage()));
  const stages = [...KWOK_STAGES.map((f) => join(toolDir("kwok"), "stages", f)), ...KWOK_METRICS.map((f) => join(toolDir("kwok"), "metrics", f))];
  return {
    name: "kwok",
    command: toolPath("kwok"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--cidr=${POD_CIDR}`,
      // The heartbeat-with-lease Stage updates node status every ten minutes and leaves liveness to leases kwok renews.
      "--node-lease-duration-seconds=40",
      // Every node's emulated kubelet is this one loopback listener; metrics-server scrapes it there.
      "--node-ip=127.0.0.1",
      `--node-port=${ports.kwok}`,
      `--server-address=127.0.0.1:${ports.kwok}`,
      `--tls-cert-file=${tls.cert}`,
      `--tls-private-key-file=${tls.key}`,
      ...[...stages, provisioner].map((f) => `--config=${f}`),
    ],
    ready: { kind: "http", url: `https://127.0.0.1:${ports.kwok}/healthz` },
  };
}
