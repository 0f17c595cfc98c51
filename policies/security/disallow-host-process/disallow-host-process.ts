import { generatorFix, podPolicy, securityContexts, shown } from "../lib/pod-security.js";

/** Pod Security baseline, "HostProcess" (check_windowsHostProcess.go). */
export const disallowHostProcess = podPolicy({
  id: "disallow-host-process",
  description: "neither the pod nor any container sets securityContext.windowsOptions.hostProcess: true",
  control: { level: "baseline", name: "HostProcess", rule: "Pod and containers must not set securityContext.windowsOptions.hostProcess to true." },
  check: (pod) =>
    securityContexts(pod)
      .filter((s) => s.context.windowsOptions?.hostProcess === true)
      .map((s) => ({
        summary: "pod runs a Windows HostProcess container",
        path: `${s.path}.windowsOptions.hostProcess`,
        problem: `is ${shown(true)}: the ${s.label} runs as a process on the Windows host`,
        fix: generatorFix(pod, "remove `windowsOptions.hostProcess`", s.container),
      })),
});
