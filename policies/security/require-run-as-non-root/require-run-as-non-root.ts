import { exemptAsUserNamespace, generatorFix, podPolicy, securityContexts, shown, type PodProblem } from "../lib/pod-security.js";

/**
 * Pod Security restricted, "Running as Non-root" (check_runAsNonRoot.go): the
 * pod sets runAsNonRoot: true, or every container does; nobody sets false.
 * From v1.35 a pod in a user namespace (`hostUsers: false`) is exempt.
 */
export const requireRunAsNonRoot = podPolicy({
  id: "require-run-as-non-root",
  description: "a pod sets securityContext.runAsNonRoot: true at pod level or in every container, and no container sets it to false",
  control: {
    level: "restricted",
    name: "Running as Non-root",
    rule: 'Containers must be required to run as non-root users, unless the pod is in a user namespace ("hostUsers: false").',
  },
  check: (pod, { version }) => {
    if (exemptAsUserNamespace(pod, version)) return [];
    const problems: PodProblem[] = securityContexts(pod)
      .filter((s) => s.context.runAsNonRoot !== undefined && s.context.runAsNonRoot !== true)
      .map((s) => ({
        summary: "pod may run as root",
        path: `${s.path}.runAsNonRoot`,
        problem: `is ${shown(s.context.runAsNonRoot)} for the ${s.label}: running as root is not allowed`,
        fix: generatorFix(pod, "set `runAsNonRoot: true`", s.container),
      }));
    if (pod.security.runAsNonRoot !== undefined) return problems;
    const unset = pod.containers.filter((c) => c.security.runAsNonRoot === undefined);
    if (unset.length === 0) return problems;
    return [
      ...problems,
      {
        summary: "pod may run as root",
        path: `${pod.path}.securityContext.runAsNonRoot`,
        problem: `is not set, and neither is it for ${unset.map((c) => c.label).join(", ")}: running as root is not allowed; either the pod or every container must set runAsNonRoot to \`true\``,
        fix: generatorFix(pod, "set the pod's `securityContext.runAsNonRoot: true`"),
      },
    ];
  },
});
