import { CONFINED_PROFILE_TYPES, generatorFix, podPolicy, securityContexts, shown, type PodProblem } from "../lib/pod-security.js";

/**
 * Pod Security restricted, "Seccomp" (check_seccompProfile_restricted.go, which
 * replaces the baseline check): the pod sets RuntimeDefault or Localhost, or
 * every container does; nobody sets another type. Linux only since v1.25.
 */
export const restrictSeccomp = podPolicy({
  id: "restrict-seccomp",
  description: "a Linux pod sets seccompProfile.type RuntimeDefault or Localhost at pod level or in every container, and nothing else anywhere",
  control: {
    level: "restricted",
    name: "Seccomp",
    rule: "Seccomp profiles must be specified, and only runtime default and localhost profiles are allowed.",
  },
  check: (pod) => {
    if (pod.windows) return [];
    const problems: PodProblem[] = [];
    for (const s of securityContexts(pod)) {
      const profile = s.context.seccompProfile;
      if (profile === undefined || CONFINED_PROFILE_TYPES.includes(profile.type)) continue;
      problems.push({
        summary: "seccomp is not confined",
        path: `${s.path}.seccompProfile.type`,
        problem: profile.type === undefined ? `is not set for the ${s.label}` : `is ${shown(profile.type)} for the ${s.label}; only "RuntimeDefault" or "Localhost" is allowed`,
        fix: generatorFix(pod, "set `seccompProfile.type: RuntimeDefault`", s.container),
      });
    }
    if (pod.security.seccompProfile !== undefined) return problems;
    const unset = pod.containers.filter((c) => c.security.seccompProfile === undefined);
    if (unset.length === 0) return problems;
    return [
      ...problems,
      {
        summary: "seccomp is not confined",
        path: `${pod.path}.securityContext.seccompProfile.type`,
        problem: `is not set, and neither is it for ${unset.map((c) => c.label).join(", ")}, which would then run without a seccomp profile`,
        fix: generatorFix(pod, "set the pod's `securityContext.seccompProfile.type: RuntimeDefault`"),
      },
    ];
  },
});
