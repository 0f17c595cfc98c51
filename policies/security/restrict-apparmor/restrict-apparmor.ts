import { CONFINED_PROFILE_TYPES, generatorFix, podPolicy, securityContexts, shown, type PodProblem } from "../lib/pod-security.js";

/** The legacy per-container annotation, still judged by Pod Security. */
export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotationValue(value: string): boolean {
  return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

/**
 * Pod Security baseline, "AppArmor" (check_appArmorProfile.go): the
 * securityContext.appArmorProfile.type of the pod and of every container, and
 * the legacy annotations, may only name the runtime default or a local profile.
 */
export const restrictApparmor = podPolicy({
  id: "restrict-apparmor",
  description: "AppArmor profiles (securityContext.appArmorProfile and the legacy annotations) are RuntimeDefault or Localhost",
  control: {
    level: "baseline",
    name: "AppArmor",
    rule: "On supported hosts, the 'runtime/default' AppArmor profile is applied by default. The baseline policy should prevent overriding or disabling the default AppArmor profile, or restrict overrides to an allowed set of profiles.",
  },
  check: (pod) => {
    const problems: PodProblem[] = securityContexts(pod)
      .filter((s) => s.context.appArmorProfile !== undefined && !CONFINED_PROFILE_TYPES.includes(s.context.appArmorProfile.type))
      .map((s) => ({
        summary: "apparmor profile is overridden",
        path: `${s.path}.appArmorProfile.type`,
        problem: `is ${shown(s.context.appArmorProfile?.type)} for the ${s.label}; only "RuntimeDefault" or "Localhost" is allowed`,
        fix: generatorFix(pod, "remove `appArmorProfile` (or set its type to RuntimeDefault)", s.container),
      }));
    for (const [key, value] of Object.entries(pod.template.metadata.annotations ?? {})) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX) || allowedAnnotationValue(String(value))) continue;
      problems.push({
        summary: "apparmor profile is overridden",
        path: `${pod.metadataPath}.annotations["${key}"]`,
        problem: `is ${shown(value)}; only "runtime/default" or "localhost/<profile>" is allowed`,
        fix: generatorFix(pod, "remove the annotation (or use `securityContext.appArmorProfile.type: RuntimeDefault`)"),
      });
    }
    return problems;
  },
});
