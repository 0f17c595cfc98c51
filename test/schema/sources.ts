/**
 * Where the offline schemas come from: the Kubernetes OpenAPI spec inside the
 * `k8s.io/kubernetes` Go module at the fleet's pinned version, and the
 * upstream CRD YAML inside each pinned CRD module. The versions themselves live
 * in `generators/fleet/versions.ts`; this file only says which files in those
 * modules to read. Changing it changes the schema cache key (see
 * `build-schemas.ts`), so the cache is rebuilt.
 */
import { byCodeUnit } from "../../generators/order.js";
import { CRD_MODULES, KUBERNETES_VERSION } from "../../generators/fleet/versions.js";

export interface GoModule {
  readonly module: string;
  readonly version: string;
}

/** The Kubernetes OpenAPI (Swagger 2.0) spec of every built-in kind. */
export const KUBERNETES_SPEC = {
  module: "k8s.io/kubernetes",
  version: `v${KUBERNETES_VERSION}`,
  path: "api/openapi-spec/swagger.json",
} as const;

/**
 * The CRD YAML each pinned module ships, as paths inside the module: a
 * directory (every `*.yaml` / `*.yml` directly in it; documents that are not
 * CustomResourceDefinitions, such as a kustomization, are ignored) or one file.
 * Typed by the keys of `CRD_MODULES`, so a module added there without a source
 * here does not compile.
 */
export const CRD_SOURCES: { readonly [K in keyof typeof CRD_MODULES]: readonly string[] } = {
  // Application, ApplicationSet, AppProject.
  argoCd: ["manifests/crds"],
  // The CRDs the operator deploys (prometheus-operator-crd-full adds the unserved AlertmanagerConfig v1beta1).
  prometheusOperator: ["example/prometheus-operator-crd"],
  // controller-gen output; the Helm chart's crd-*.yaml templates carry the same schemas.
  certManager: ["deploy/crds"],
  externalSecrets: ["config/crds/bases"],
  // VerticalPodAutoscaler and VerticalPodAutoscalerCheckpoint.
  verticalPodAutoscaler: ["deploy/vpa-v1-crd-gen.yaml"],
};

/** Every module the schema build reads, with the paths it reads in each. */
export function schemaSources(): { readonly module: GoModule; readonly paths: readonly string[]; readonly crds: boolean }[] {
  const keys = Object.keys(CRD_SOURCES).sort(byCodeUnit) as (keyof typeof CRD_MODULES)[];
  return [
    { module: { module: KUBERNETES_SPEC.module, version: KUBERNETES_SPEC.version }, paths: [KUBERNETES_SPEC.path], crds: false },
    ...keys.map((key) => ({ module: CRD_MODULES[key], paths: CRD_SOURCES[key], crds: true })),
  ];
}
