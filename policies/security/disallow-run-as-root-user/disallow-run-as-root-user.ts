import { exemptAsUserNamespace, podPolicy, securityContexts, shown, specFix } from "../lib/pod-security.js";

/**
 * Pod Security restricted, "Running as Non-root user" (check_runAsUser.go):
 * nobody sets runAsUser: 0. From v1.35 a pod in a user namespace is exempt.
 */
export const disallowRunAsRootUser = podPolicy({
  id: "disallow-run-as-root-user",
  description: "neither the pod nor any container sets securityContext.runAsUser: 0",
  control: {
    level: "restricted",
    name: "Running as Non-root user",
    rule: 'Containers must not set runAsUser: 0 unless the pod is in a user namespace ("hostUsers: false").',
  },
  check: (pod, { version }) => {
    if (exemptAsUserNamespace(pod, version)) return [];
    return securityContexts(pod)
      .filter((s) => s.context.runAsUser === 0)
      .map((s) => ({
        summary: "pod runs as root",
        path: `${s.path}.runAsUser`,
        problem: `is ${shown(0)} for the ${s.label}: UID 0 is root`,
        fix: s.container
          ? specFix(pod, "set `security.runAsUser` to a non-zero UID, or remove it so the container runs as the pod's UID", s.container)
          : specFix(pod, "set `runAsUser` to a non-zero UID (the default is 10001)"),
      }));
  },
});
