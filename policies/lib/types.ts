import type { ClusterProfile } from "../../generators/fleet/types.js";

/** pint's severities, most severe first. Bug or worse fails the run. */
export const SEVERITIES = ["Fatal", "Bug", "Warning", "Information"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A parsed Kubernetes object as it ships; policies narrow it with a model's type guard (`Deployment.is(object)`). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One document of one rendered file. */
export interface RenderedDocument {
  /** Path as shown to the user: relative to the working directory, `/`-separated. */
  readonly file: string;
  /** Position of the document in its file, from 0. */
  readonly index: number;
  readonly object: KubeObject;
}

/** Everything rendered for one cluster: the unit every policy judges. */
export interface ClusterTree {
  /** Cluster name: the directory's base name (`prod`). */
  readonly name: string;
  /** The cluster directory as given, `/`-separated. */
  readonly root: string;
  readonly documents: readonly RenderedDocument[];
  /** The fleet profile of the same name, when there is one (node pools for capacity, apps for intent). */
  readonly profile: ClusterProfile | undefined;
}

/** What a policy reports: one problem at one place. */
export interface Finding {
  /** The document at fault; absent for a cluster-wide problem. */
  readonly document?: RenderedDocument;
  /** Short lowercase summary of this problem, e.g. "container has no memory limit". */
  readonly summary: string;
  /** Field path inside the object (`spec.template.spec.containers[0].resources.limits.memory`), or "" for the whole object. */
  readonly path: string;
  /** What is wrong at that path, e.g. "is not set". */
  readonly problem: string;
  /** How to fix it, naming where: "set `resources.limits.memory` in apps/kades (component kades-api)". */
  readonly fix: string;
  /** Overrides the policy's default severity. */
  readonly severity?: Severity;
}

export interface Policy {
  /** kebab-case; equal to the folder and file name. */
  readonly id: string;
  /** The folder above: quotas, network, security, alerts, secrets, images, availability, autoscaling, rbac, argocd, references. */
  readonly area: string;
  readonly severity: Severity;
  /** One line: what the policy requires. */
  readonly description: string;
  check(cluster: ClusterTree): readonly Finding[] | Promise<readonly Finding[]>;
}

/** A finding placed: what the CLI prints and `--format json` emits. */
export interface Diagnostic {
  readonly severity: Severity;
  /** `area/id` */
  readonly rule: string;
  readonly summary: string;
  readonly cluster: string;
  /** File, or the cluster directory for a cluster-wide problem. */
  readonly file: string;
  /** `Kind/name`, or "" for a cluster-wide problem. */
  readonly resource: string;
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}
