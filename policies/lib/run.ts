import { resourceName } from "./objects.js";
import { SEVERITIES, type ClusterTree, type Diagnostic, type Policy, type Severity } from "./types.js";

/** Bug or worse fails a run. */
export function isFailing(severity: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf("Bug");
}

/** Runs one policy on one cluster and places its findings. */
export async function runPolicy(policy: Policy, cluster: ClusterTree): Promise<Diagnostic[]> {
  const findings = await policy.check(cluster);
  return findings.map((f) => ({
    severity: f.severity ?? policy.severity,
    rule: `${policy.area}/${policy.id}`,
    summary: f.summary,
    cluster: cluster.name,
    file: f.document?.file ?? cluster.root,
    resource: f.document ? resourceName(f.document.object) : "",
    path: f.path,
    problem: f.problem,
    fix: f.fix,
  }));
}

/** Every policy on every cluster, in a stable order: cluster, file, rule, path. */
export async function runPolicies(policies: readonly Policy[], clusters: readonly ClusterTree[]): Promise<Diagnostic[]> {
  const all: Diagnostic[] = [];
  for (const cluster of clusters) {
    for (const policy of policies) all.push(...(await runPolicy(policy, cluster)));
  }
  const key = (d: Diagnostic): string[] => [d.cluster, d.file, d.resource, d.rule, d.path, d.summary];
  return all.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const x = ka[i] as string;
      const y = kb[i] as string;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}
