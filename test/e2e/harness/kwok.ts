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

/** The provisioner name of an e2e StorageClass, by its binding mode. */
export function provisionerFor(mode: VolumeBindingMode): string {
  return mode === "Immediate" ? "e2e.iot-fleet.io/immediate" : "e2e.iot-fleet.io/wait-for-first-consumer";
}

/** The profile's StorageClasses with the binding mode the profile states. */
export function storageClasses(profile: ClusterProfile): KubeObject[] {
  const names = [...new Set(Object.values(profile.storageClasses))].sort();
  return names.map((name) => {
    const mode = profile.storageClassBinding[name];
    if (mode === undefined) {
      throw new Error(`cluster ${profile.name}: storage class ${name} has no binding mode; add it to storageClassBinding in generators/fleet/clusters.ts`);
    }
    return {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name },
      provisioner: provisionerFor(mode),
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
  const immediate = `${hasAnn(PROVISIONER_ANNOTATION)} && ${ann(PROVISIONER_ANNOTATION)} == '${provisionerFor("Immediate")}'`;
  const waiting =
    `${hasAnn(PROVISIONER_ANNOTATION)} && ${ann(PROVISIONER_ANNOTATION)} == '${provisionerFor("WaitForFirstConsumer")}' && ` +
    hasAnn(SELECTED_NODE_ANNOTATION);
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
              `  {{ with index .metadata.annotations "${SELECTED_NODE_ANNOTATION}" }}`,
              "  nodeAffinity:",
              "    required:",
              "      nodeSelectorTerms:",
              "      - matchExpressions:",
              "        - key: kubernetes.io/hostname",
              "          operator: In",
              "          values:",
              "          - {{ . | Quote }}",
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
