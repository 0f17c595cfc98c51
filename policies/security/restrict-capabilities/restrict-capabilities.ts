import { generatorFix, perContainer, podPolicy, shown, type PodProblem } from "../lib/pod-security.js";

const check = perContainer((c, pod) => {
  const capabilities = c.security.capabilities;
  const drop: readonly string[] = capabilities?.drop ?? [];
  const problems: PodProblem[] = [];
  if (!drop.includes("ALL")) {
    problems.push({
      summary: "container keeps the default capabilities",
      path: `${c.path}.securityContext.capabilities.drop`,
      problem: capabilities?.drop === undefined ? 'is not set; it must include "ALL"' : `is ${shown(drop)}, without "ALL"`,
      fix: generatorFix(pod, 'set `capabilities.drop: ["ALL"]`', c),
    });
  }
  (capabilities?.add ?? []).forEach((capability: string, j) => {
    if (capability === "NET_BIND_SERVICE") return;
    problems.push({
      summary: "container adds a capability",
      path: `${c.path}.securityContext.capabilities.add[${j}]`,
      problem: `is ${shown(capability)}; only "NET_BIND_SERVICE" may be added`,
      fix: generatorFix(pod, `remove ${shown(capability)} from \`capabilities.add\` (the only one an app may add, through \`security.addCapabilities\`, is NET_BIND_SERVICE)`, c),
    });
  });
  return problems;
});

/**
 * Pod Security restricted, "Capabilities" (check_capabilities_restricted.go),
 * which replaces the baseline check; Linux only since v1.25.
 */
export const restrictCapabilities = podPolicy({
  id: "restrict-capabilities",
  description: 'every container of a Linux pod drops "ALL" capabilities and adds none but NET_BIND_SERVICE',
  control: { level: "restricted", name: "Capabilities", rule: "Containers must drop ALL, and may only add NET_BIND_SERVICE." },
  check: (pod, context) => (pod.windows ? [] : check(pod, context)),
});
