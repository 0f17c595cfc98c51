// Test helpers of the security policies: fixtures edited in place, the
// cluster's version changed, and the committed tree with one edit injected.
import { join } from "node:path";
import { runPolicy } from "../../lib/run.js";
import { injected, loadFixture, runAll } from "../../lib/testing.js";
import type { ClusterTree, Diagnostic, KubeObject, Policy } from "../../lib/types.js";

// Parsed YAML is untyped; tests reach into it freely.
export type Editable = Record<string, any>;

/** A fixture of a policy folder as a cluster; `edit` changes deep copies of its objects first. */
export function fixtureTree(policyDir: string, file: string, edit?: (objects: Editable[]) => void): ClusterTree {
  const tree = loadFixture(join(policyDir, "fixtures", file));
  if (!edit) return tree;
  const objects = tree.documents.map((d) => structuredClone(d.object) as Editable);
  edit(objects);
  return {
    ...tree,
    documents: objects.map((object, index) => ({ file: tree.documents[0]?.file ?? tree.root, index, object: object as unknown as KubeObject })),
  };
}

/** The same cluster, as if its profile ran another Kubernetes version. */
export function atKubernetes(tree: ClusterTree, version: string): ClusterTree {
  if (!tree.profile) throw new Error(`cluster ${tree.name} has no profile to change the version of`);
  return { ...tree, profile: { ...tree.profile, kubernetesVersion: version } };
}

/** The pod spec of a workload or Pod object. */
export function podSpec(object: Editable): Editable {
  if (object.kind === "Pod") return object.spec;
  if (object.kind === "CronJob") return object.spec.jobTemplate.spec.template.spec;
  return object.spec.template.spec;
}

/** What one policy reports on a cluster. */
export async function diagnosticsOf(policy: Policy, tree: ClusterTree): Promise<Diagnostic[]> {
  return runPolicy(policy, tree);
}

/** The field paths one policy reports on a cluster. */
export async function pathsFound(policy: Policy, tree: ClusterTree): Promise<string[]> {
  return (await diagnosticsOf(policy, tree)).map((d) => d.path);
}

/** The rules every policy reports on the committed prod tree after `edit` changes the file ending with `fileSuffix`. */
export async function rulesAfterInjecting(fileSuffix: string, edit: (object: Editable) => void, cluster = "prod"): Promise<string[]> {
  const tree = injected(cluster, fileSuffix, (object) => {
    edit(object);
    return object as unknown as KubeObject;
  });
  return (await runAll(tree)).map((d) => d.rule);
}
