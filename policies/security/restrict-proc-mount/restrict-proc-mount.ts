import { generatorFix, perContainer, podPolicy, shown } from "../lib/pod-security.js";

/**
 * Pod Security restricted, "/proc Mount Type" (check_procMount_restricted.go).
 * Baseline relaxes this for user-namespace pods from v1.35; restricted does not.
 */
export const restrictProcMount = podPolicy({
  id: "restrict-proc-mount",
  description: "no container sets securityContext.procMount to anything but Default",
  control: {
    level: "restricted",
    name: "/proc Mount Type",
    rule: "The default /proc masks are set up to reduce attack surface, and should be required by the restricted profile.",
  },
  check: perContainer((c, pod) => {
    const value = c.security.procMount;
    if (value === undefined || value === "Default") return [];
    return [
      {
        summary: "container unmasks /proc",
        path: `${c.path}.securityContext.procMount`,
        problem: `is ${shown(value)}; only "Default" (or unset) is allowed`,
        fix: generatorFix(pod, "remove `procMount`", c),
      },
    ];
  }),
});
