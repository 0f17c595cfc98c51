import { allowedAt, generatorFix, podPolicy, securityContexts, shown } from "../lib/pod-security.js";

/** SELinux types a pod may ask for, by the minor that allowed them (check_seLinuxOptions.go). */
export const SELINUX_TYPES: readonly (readonly [number, readonly string[]])[] = [
  [0, ["", "container_t", "container_init_t", "container_kvm_t"]],
  [31, ["container_engine_t"]],
];

/**
 * Pod Security baseline, "SELinux" (check_seLinuxOptions.go): the type is one
 * of the container types, and no user or role is set, at pod or container level.
 */
export const restrictSelinux = podPolicy({
  id: "restrict-selinux",
  description: "seLinuxOptions set no user or role and only a container type (container_t, container_init_t, container_kvm_t, container_engine_t)",
  control: {
    level: "baseline",
    name: "SELinux",
    rule: "Setting the SELinux type is restricted, and setting a custom SELinux user or role option is forbidden.",
  },
  check: (pod, { version }) => {
    const types = allowedAt(SELINUX_TYPES, version);
    return securityContexts(pod).flatMap((s) => {
      const options = s.context.seLinuxOptions;
      if (options === undefined) return [];
      const bad = [
        ...(options.type !== undefined && !types.has(options.type) ? [["type", options.type, `is not one of ${[...types].filter((t) => t !== "").join(", ")}`] as const] : []),
        ...(options.user !== undefined && options.user !== "" ? [["user", options.user, "may not be set"] as const] : []),
        ...(options.role !== undefined && options.role !== "" ? [["role", options.role, "may not be set"] as const] : []),
      ];
      return bad.map(([field, value, why]) => ({
        summary: "selinux options are customised",
        path: `${s.path}.seLinuxOptions.${field}`,
        problem: `is ${shown(value)} for the ${s.label}; the SELinux ${field} ${why}`,
        fix: generatorFix(pod, `remove \`seLinuxOptions.${field}\``, s.container),
      }));
    });
  },
});
