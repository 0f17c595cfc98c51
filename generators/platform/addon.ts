import type { ChartPin } from "../fleet/versions.js";
import type { KubeObject } from "../render/app.js";

/** Helm values, generated in TypeScript and carried inline by the add-on's Application. */
export type HelmValues = { readonly [key: string]: unknown };

/** An upstream Helm chart at its pinned version, with the values this cluster gives it. */
export interface ChartSource {
  readonly kind: "chart";
  readonly chart: ChartPin;
  /** Helm release name; the chart derives object names and labels from it. */
  readonly releaseName: string;
  readonly values: HelmValues;
}

/** Plain manifests committed under `clusters/<cluster>/platform/<directory>/`. */
export interface DirectorySource {
  readonly kind: "directory";
  readonly directory: string;
  readonly objects: readonly KubeObject[];
}

/** A field Argo CD must not compare, because a controller in the cluster owns it. */
export interface IgnoredField {
  readonly group: string;
  readonly kind: string;
  readonly jqPathExpressions: readonly string[];
}

/** One piece of the platform the apps rely on, synced by its own Argo CD Application. */
export interface PlatformAddon {
  /** Application name, unique in the cluster. */
  readonly id: string;
  readonly description: string;
  /** Namespace of the add-on's namespaced objects (also the Application's destination). */
  readonly namespace: string;
  /** Add-ons that must be synced and healthy before this one starts. */
  readonly needs: readonly string[];
  readonly source: ChartSource | DirectorySource;
  /** The source installs CustomResourceDefinitions, too large for client-side apply: sync server-side. */
  readonly installsCrds: boolean;
  /** Fields other controllers own (webhook CA bundles injected at run time). @default [] */
  readonly ignoreDifferences?: readonly IgnoredField[];
}

/** CA bundles that cert generators and injectors write into webhook configurations and CRDs after install. */
export const INJECTED_CA_BUNDLES: readonly IgnoredField[] = [
  { group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"] },
  { group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration", jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"] },
];

/** Labels on every platform object rendered into `clusters/<cluster>/platform/`. */
export function platformLabels(addon: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "iot-fleet-generators",
    "app.kubernetes.io/part-of": "platform",
    "app.kubernetes.io/name": addon,
  };
}

interface Model {
  validate(): void;
  toJSON(): unknown;
}

/** Validates a model against its kubernetes-models schema and returns it as plain JSON. */
export function plain(model: Model): KubeObject {
  model.validate();
  return JSON.parse(JSON.stringify(model.toJSON())) as KubeObject;
}
