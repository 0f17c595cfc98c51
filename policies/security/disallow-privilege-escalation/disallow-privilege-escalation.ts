import { generatorFix, perContainer, podPolicy, shown } from "../lib/pod-security.js";

const check = perContainer((c, pod) => {
  const value = c.security.allowPrivilegeEscalation;
  if (value === false) return [];
  return [
    {
      summary: "container may escalate privileges",
      path: `${c.path}.securityContext.allowPrivilegeEscalation`,
      problem: value === undefined ? "is not set, and the runtime then allows escalation" : `is ${shown(value)}; only \`false\` is allowed`,
      fix: generatorFix(pod, "set `allowPrivilegeEscalation: false`", c),
    },
  ];
});

/** Pod Security restricted, "Privilege Escalation" (check_allowPrivilegeEscalation.go); Linux only since v1.25. */
export const disallowPrivilegeEscalation = podPolicy({
  id: "disallow-privilege-escalation",
  description: "every container of a Linux pod sets securityContext.allowPrivilegeEscalation: false",
  control: {
    level: "restricted",
    name: "Privilege Escalation",
    rule: "Privilege escalation (such as via set-user-ID or set-group-ID file mode) should not be allowed.",
  },
  check: (pod, context) => (pod.windows ? [] : check(pod, context)),
});
