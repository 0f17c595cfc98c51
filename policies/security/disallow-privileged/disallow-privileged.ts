import { generatorFix, perContainer, podPolicy, shown } from "../lib/pod-security.js";

/** Pod Security baseline, "Privileged Containers" (check_privileged.go). */
export const disallowPrivileged = podPolicy({
  id: "disallow-privileged",
  description: "no container sets securityContext.privileged: true",
  control: { level: "baseline", name: "Privileged Containers", rule: "Privileged Pods disable most security mechanisms and must be disallowed." },
  check: perContainer((c, pod) =>
    c.security.privileged === true
      ? [
          {
            summary: "container is privileged",
            path: `${c.path}.securityContext.privileged`,
            problem: `is ${shown(true)}: the ${c.label} gets every capability and the host's devices`,
            fix: generatorFix(pod, "set `privileged: false`", c),
          },
        ]
      : [],
  ),
});
