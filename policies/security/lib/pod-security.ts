// The Pod Security Standards as the API server's PodSecurity admission applies
// them (k8s.io/pod-security-admission, policy/check_*.go), read from rendered
// pod templates. Each policy in policies/security/<id>/ is one control; this
// module holds what they share: the pods of a cluster with their security
// contexts, the version-dependent allow-lists, and the wording of diagnostics.
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import { KUBERNETES_VERSION } from "../../../generators/fleet/versions.js";
import { componentOf, containersOf, podTemplates, sourceOf, type PodTemplate } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";

/** The newest Kubernetes minor whose Pod Security checks these policies implement. */
export const MODELLED_MINOR = 35;

/** A Kubernetes `major.minor`. */
export interface KubernetesMinor {
  readonly major: number;
  readonly minor: number;
}

/** Parses `1.35.4`, `v1.35` or `1.35`. */
export function parseMinor(version: string): KubernetesMinor | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** The version a cluster's PodSecurity admission judges by: its profile's, or the fleet pin for a directory without a profile. */
export function clusterMinor(cluster: ClusterTree): KubernetesMinor {
  const version = cluster.profile?.kubernetesVersion ?? KUBERNETES_VERSION;
  const parsed = parseMinor(version);
  if (!parsed) throw new Error(`cluster ${cluster.name}: kubernetesVersion "${version}" is not a version like 1.35.4; fix it in generators/fleet/clusters.ts`);
  return parsed;
}

/** Where in the standard a rule comes from, with the upstream wording quoted in every diagnostic. */
export interface Control {
  /** `baseline` and `restricted` are Pod Security levels; `house` is a rule of this fleet on top of them. */
  readonly level: "baseline" | "restricted" | "house";
  /** The control's name in the Pod Security Standards, e.g. "Running as Non-root". */
  readonly name: string;
  /** The control's own sentence, from k8s.io/pod-security-admission policy/check_*.go. */
  readonly rule: string;
}

/** A container of a pod, with its security context (empty when unset). */
export interface PodContainer {
  readonly container: IContainer;
  readonly name: string;
  /** `spec.template.spec.containers[0]` */
  readonly path: string;
  /** `container "api"`, `init container "migrate"`, `ephemeral container "debug"` */
  readonly label: string;
  readonly security: ISecurityContext;
}

/** One pod template (or bare Pod) as PodSecurity admission sees it. */
export interface Pod {
  readonly document: RenderedDocument;
  readonly template: PodTemplate;
  /** Path of the pod spec, e.g. `spec.template.spec`. */
  readonly path: string;
  /** Path of the pod metadata, e.g. `spec.template.metadata`. */
  readonly metadataPath: string;
  readonly spec: IPodSpec;
  /** The pod-level security context (empty when unset). */
  readonly security: IPodSecurityContext;
  readonly containers: readonly PodContainer[];
  /** `spec.os.name: windows`: PodSecurity exempts these from the Linux-only restricted controls (v1.25+). */
  readonly windows: boolean;
  /** `spec.hostUsers: false`: the pod runs in a user namespace. */
  readonly userNamespace: boolean;
}

function containerLabel(path: string, name: string): string {
  const kind = path.includes(".initContainers[") ? "init container" : path.includes(".ephemeralContainers[") ? "ephemeral container" : "container";
  return `${kind} "${name}"`;
}

/** Every pod template of a cluster, with init, regular and ephemeral containers. */
export function podsOf(cluster: ClusterTree): Pod[] {
  return podTemplates(cluster).map((template) => {
    const spec = template.spec;
    return {
      document: template.document,
      template,
      path: template.path,
      metadataPath: template.path.replace(/spec$/, "metadata"),
      spec,
      security: spec.securityContext ?? {},
      containers: containersOf(template).map(({ container, path }) => ({
        container,
        name: container.name,
        path,
        label: containerLabel(path, container.name),
        security: container.securityContext ?? {},
      })),
      windows: spec.os?.name === "windows",
      userNamespace: spec.hostUsers === false,
    };
  });
}

/** A problem a check found in one pod; the policy adds the document, the control's wording and the severity. */
export interface PodProblem {
  readonly summary: string;
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

/** What a pod check is given besides the pod. */
export interface CheckContext {
  /** The Kubernetes version the cluster's PodSecurity admission judges by. */
  readonly version: KubernetesMinor;
}

/** Whether a version is `1.<minor>` or later. */
export function atLeast(version: KubernetesMinor, minor: number): boolean {
  return version.major > 1 || (version.major === 1 && version.minor >= minor);
}

/** From v1.35 PodSecurity exempts a pod in a user namespace (`hostUsers: false`) from runAsNonRoot and runAsUser. */
export function exemptAsUserNamespace(pod: Pod, version: KubernetesMinor): boolean {
  return pod.userNamespace && atLeast(version, 35);
}

/** The control's level and wording, appended to each problem. */
export function quote(control: Control): string {
  const level = control.level === "house" ? "fleet rule" : `Pod Security "${control.level}"`;
  return `${level}, ${control.name}: "${control.rule.replace(/\.$/, "")}"`;
}

/** A policy that judges every pod template of a cluster against one control. */
export function podPolicy(definition: {
  readonly id: string;
  readonly description: string;
  readonly control: Control;
  readonly check: (pod: Pod, context: CheckContext) => readonly PodProblem[];
}): Policy {
  return {
    id: definition.id,
    area: "security",
    severity: "Bug",
    description: definition.description,
    check(cluster: ClusterTree): Finding[] {
      const context = { version: clusterMinor(cluster) };
      return podsOf(cluster).flatMap((pod) =>
        definition.check(pod, context).map((p) => ({
          document: pod.document,
          summary: p.summary,
          path: p.path,
          problem: `${p.problem} (${quote(definition.control)})`,
          fix: p.fix,
        })),
      );
    },
  };
}

/** A value as diagnostics show it: `true`, `0`, `"Unconfined"`. */
export function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : `\`${JSON.stringify(value)}\``;
}

/** `apps/kades (component kades-api)`, or with the container: `apps/kades (component kades-api, init container "migrate")`. */
export function whereInSpec(pod: Pod, container?: PodContainer): string {
  const inner = container ? `, ${container.label}` : "";
  return `${sourceOf(pod.document)} (component ${componentOf(pod.document.object)}${inner})`;
}

function platformFix(pod: Pod, change: string, container?: PodContainer): string {
  const { kind, metadata } = pod.document.object;
  return `${change} where generators/ renders ${kind}/${metadata.name}${container ? ` (${container.label})` : ""}, then run \`npm run generate\``;
}

/** The fix for a field an app spec sets: name the spec field and where it lives. */
export function specFix(pod: Pod, change: string, container?: PodContainer): string {
  if (sourceOf(pod.document) === "generators/") return platformFix(pod, change, container);
  return `in ${whereInSpec(pod, container)}: ${change}, then run \`npm run generate\``;
}

/**
 * The fix for a field no app spec can set: the secure default comes from the
 * generator, so a bad value is a hand edit or a generator change.
 */
export function generatorFix(pod: Pod, change: string, container?: PodContainer): string {
  if (sourceOf(pod.document) === "generators/") return platformFix(pod, change, container);
  return `${change}: ${whereInSpec(pod, container)} cannot set this field, so it comes from a hand edit or a generator change (the secure defaults are in generators/render/security.ts); undo it and run \`npm run generate\``;
}

/** Pod Security evaluates containers one by one; most checks are a function of one container. */
export function perContainer(
  check: (container: PodContainer, pod: Pod, context: CheckContext) => readonly PodProblem[],
): (pod: Pod, context: CheckContext) => PodProblem[] {
  return (pod: Pod, context: CheckContext): PodProblem[] => pod.containers.flatMap((c) => check(c, pod, context));
}

/** The pod-level and each container's security context, labelled, for controls settable at both levels. */
export function securityContexts(pod: Pod): { readonly path: string; readonly label: string; readonly context: IPodSecurityContext | ISecurityContext; readonly container?: PodContainer }[] {
  return [
    { path: `${pod.path}.securityContext`, label: "pod", context: pod.security },
    ...pod.containers.map((c) => ({ path: `${c.path}.securityContext`, label: c.label, context: c.security, container: c })),
  ];
}

/** A version-dependent allow-list: each entry is added at the minor it names (upstream `...V1DotNN` sets). */
export function allowedAt(additions: readonly (readonly [number, readonly string[]])[], version: KubernetesMinor): Set<string> {
  return new Set(additions.filter(([minor]) => atLeast(version, minor)).flatMap(([, names]) => names));
}

/** Seccomp and AppArmor profile types Pod Security allows when set. */
export const CONFINED_PROFILE_TYPES: readonly string[] = ["RuntimeDefault", "Localhost"];
