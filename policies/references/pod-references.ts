// What a pod spec names by name: ConfigMaps and Secrets (env, envFrom,
// volumes, projected volumes, image pull secrets), claims and its
// ServiceAccount, each with the field path it is written at and whether the
// pod starts without it (`optional: true`).
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { namespaceOf } from "../availability/workloads.js";
import { type PodTemplate, containersOf, podTemplates } from "../lib/objects.js";
import type { ClusterTree, Finding } from "../lib/types.js";
import { componentField, fixAt, listOr } from "./fixes.js";
import { type Creator, type NamedKind, creatorsOf, holdsKey, namesIn } from "./resolve.js";

/** One name a pod spec refers to. */
export interface PodReference {
  readonly kind: NamedKind;
  readonly name: string;
  /** Field path of the name, e.g. `spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name`. */
  readonly path: string;
  /** A data key the pod reads from it, with that key's field path. */
  readonly key?: { readonly name: string; readonly path: string };
  /** `optional: true`: the pod starts without it (or without the key). */
  readonly optional: boolean;
  /** The container that reads it; absent for what the pod itself names (volumes, pull secrets, service account). */
  readonly container?: { readonly name: string; readonly init: boolean };
  /** How it is used, for messages: `env DATABASE_URL`, `envFrom`, `volume initdb`, `imagePullSecrets`. */
  readonly use: string;
}

interface KeyToPath {
  readonly key?: string;
}
interface NamedSource {
  readonly name?: string;
  readonly optional?: boolean;
  readonly items?: readonly KeyToPath[];
}

/** A volume (or projected source) naming a ConfigMap or Secret, with one reference per item it picks. */
function sourceReferences(kind: NamedKind, name: string | undefined, source: NamedSource, path: string, namePath: string, use: string): PodReference[] {
  if (name === undefined) return [];
  const optional = source.optional === true;
  const whole: PodReference = { kind, name, path: `${path}.${namePath}`, optional, use };
  const items = (source.items ?? []).flatMap((item, i): PodReference[] =>
    item.key === undefined ? [] : [{ ...whole, key: { name: item.key, path: `${path}.items[${i}].key` } }],
  );
  return [whole, ...items];
}

function volumeReferences(spec: IPodSpec, specPath: string): PodReference[] {
  return (spec.volumes ?? []).flatMap((volume, v): PodReference[] => {
    const at = `${specPath}.volumes[${v}]`;
    const use = `volume ${volume.name}`;
    const out: PodReference[] = [];
    if (volume.configMap) out.push(...sourceReferences("ConfigMap", volume.configMap.name, volume.configMap, `${at}.configMap`, "name", use));
    if (volume.secret) out.push(...sourceReferences("Secret", volume.secret.secretName, volume.secret, `${at}.secret`, "secretName", use));
    if (volume.persistentVolumeClaim) out.push({ kind: "PersistentVolumeClaim", name: volume.persistentVolumeClaim.claimName, path: `${at}.persistentVolumeClaim.claimName`, optional: false, use });
    (volume.projected?.sources ?? []).forEach((source, s) => {
      const sourceAt = `${at}.projected.sources[${s}]`;
      if (source.configMap) out.push(...sourceReferences("ConfigMap", source.configMap.name, source.configMap, `${sourceAt}.configMap`, "name", use));
      if (source.secret) out.push(...sourceReferences("Secret", source.secret.name, source.secret, `${sourceAt}.secret`, "name", use));
    });
    return out;
  });
}

function containerReferences(template: PodTemplate): PodReference[] {
  return containersOf(template).flatMap(({ container: c, path, init }): PodReference[] => {
    const container = { name: c.name, init };
    const env = (c.env ?? []).flatMap((variable, e): PodReference[] => {
      const at = `${path}.env[${e}].valueFrom`;
      const use = `env ${variable.name}`;
      const cm = variable.valueFrom?.configMapKeyRef;
      const secret = variable.valueFrom?.secretKeyRef;
      if (cm?.name !== undefined) {
        return [{ kind: "ConfigMap", name: cm.name, path: `${at}.configMapKeyRef.name`, key: { name: cm.key, path: `${at}.configMapKeyRef.key` }, optional: cm.optional === true, container, use }];
      }
      if (secret?.name !== undefined) {
        return [{ kind: "Secret", name: secret.name, path: `${at}.secretKeyRef.name`, key: { name: secret.key, path: `${at}.secretKeyRef.key` }, optional: secret.optional === true, container, use }];
      }
      return [];
    });
    const envFrom = (c.envFrom ?? []).flatMap((source, e): PodReference[] => {
      const at = `${path}.envFrom[${e}]`;
      if (source.configMapRef?.name !== undefined) {
        return [{ kind: "ConfigMap", name: source.configMapRef.name, path: `${at}.configMapRef.name`, optional: source.configMapRef.optional === true, container, use: "envFrom" }];
      }
      if (source.secretRef?.name !== undefined) {
        return [{ kind: "Secret", name: source.secretRef.name, path: `${at}.secretRef.name`, optional: source.secretRef.optional === true, container, use: "envFrom" }];
      }
      return [];
    });
    return [...env, ...envFrom];
  });
}

/** Every name a pod template refers to, in field order: containers, volumes, pull secrets, service account. */
export function podReferences(template: PodTemplate): PodReference[] {
  const { spec, path } = template;
  const pullSecrets = (spec.imagePullSecrets ?? []).flatMap((s, i): PodReference[] =>
    s.name === undefined ? [] : [{ kind: "Secret", name: s.name, path: `${path}.imagePullSecrets[${i}].name`, optional: false, use: "imagePullSecrets" }],
  );
  // `serviceAccount` is the deprecated spelling; the API server copies it into serviceAccountName when that is unset.
  const account = spec.serviceAccountName !== undefined ? "serviceAccountName" : spec.serviceAccount !== undefined ? "serviceAccount" : undefined;
  const serviceAccount: PodReference[] =
    account === undefined ? [] : [{ kind: "ServiceAccount", name: spec[account] as string, path: `${path}.${account}`, optional: false, use: account }];
  return [...containerReferences(template), ...volumeReferences(spec, path), ...pullSecrets, ...serviceAccount];
}

/** A reference of a pod template that does not resolve. */
export interface Unresolved {
  readonly template: PodTemplate;
  readonly reference: PodReference;
  /** What creates the object; [] when nothing does (else the key it reads is missing). */
  readonly creators: readonly Creator[];
  /** The keys the object holds, when the key it reads is missing. */
  readonly keys: readonly string[];
}

/**
 * The references of one kind, in every pod template, that do not resolve:
 * nothing creates the object, or it lacks the key read. Optional ones are
 * skipped (the pod starts without them); a missing object is reported once
 * per field, not again for each item key under it.
 */
export function unresolvedReferences(cluster: ClusterTree, kind: NamedKind): Unresolved[] {
  const out: Unresolved[] = [];
  for (const template of podTemplates(cluster)) {
    const namespace = namespaceOf(template.document.object);
    const reported = new Set<string>();
    for (const reference of podReferences(template)) {
      if (reference.kind !== kind || reference.optional) continue;
      const creators = creatorsOf(cluster, kind, namespace, reference.name);
      if (creators.length === 0) {
        if (!reported.has(reference.path)) out.push({ template, reference, creators, keys: [] });
        reported.add(reference.path);
        continue;
      }
      if (reference.key === undefined) continue;
      const { holds, keys } = holdsKey(creators, reference.key.name);
      if (!holds) out.push({ template, reference, creators, keys });
    }
  }
  return out;
}

/** What a pod suffers when the reference does not resolve. */
export function consequence(reference: PodReference): string {
  if (reference.kind === "PersistentVolumeClaim") return "the scheduler never places the pod, so it stays Pending";
  if (reference.kind === "ServiceAccount") return "the API server refuses to create the pod (no such ServiceAccount), so the workload runs none";
  if (reference.use === "imagePullSecrets") return "the kubelet pulls without credentials, which a private registry refuses (ImagePullBackOff)";
  if (reference.use.startsWith("volume ")) return `${reference.use} cannot be mounted, so the pod stays in ContainerCreating`;
  return `container ${reference.container?.name} never starts (CreateContainerConfigError)`;
}

/** How a policy words its kind of reference. */
export interface ReferenceWording {
  /** "ConfigMap", "Secret", "claim". */
  readonly noun: string;
  /** What the pod does with it: "reads", "mounts", "runs as". */
  readonly verb: string;
  /** What to change in the object when nothing creates it, and when the key is missing (kinds read by key). */
  readonly objectFix: string;
  readonly keyFix?: string;
  /** The app spec field the reference is rendered from, for this use (`env`, `volumes`, ...). */
  readonly specField: (reference: PodReference) => string;
  /** The app spec field the referenced objects are declared in (`configMaps`, `secrets`), when it is not the component's own. */
  readonly declaredIn?: string;
}

/** The finding for one unresolved reference: a missing object at its name, a missing key at the key. */
export function unresolvedFinding(cluster: ClusterTree, unresolved: Unresolved, wording: ReferenceWording): Finding {
  const { template, reference, creators, keys } = unresolved;
  const { document } = template;
  const namespace = namespaceOf(document.object);
  const field = componentField(document, wording.specField(reference), reference.container);
  const place = wording.declaredIn === undefined ? field : `${wording.declaredIn} and ${field}`;
  if (creators.length === 0 || reference.key === undefined) {
    return {
      document,
      summary: `pod ${wording.verb} a ${wording.noun} that nothing creates`,
      path: reference.path,
      problem: `is ${JSON.stringify(reference.name)}${reference.path.endsWith(reference.use) ? "" : ` (${reference.use})`}, but nothing creates a ${wording.noun} of that name in namespace ${namespace} (there: ${listOr(namesIn(cluster, reference.kind, namespace), "none")}): ${consequence(reference)}`,
      fix: fixAt(document, wording.objectFix, place),
    };
  }
  const from = creators.map((c) => c.by).filter((by) => by !== `${wording.noun}/${reference.name}`);
  return {
    document,
    summary: `pod reads a key its ${wording.noun} does not hold`,
    path: reference.key.path,
    problem: `is ${JSON.stringify(reference.key.name)} (${reference.use}), but ${wording.noun}/${reference.name}${from.length > 0 ? ` (from ${from.join(", ")})` : ""} holds only ${listOr(keys, "no keys")}: ${consequence(reference)}`,
    fix: fixAt(document, wording.keyFix ?? wording.objectFix, place),
  };
}
