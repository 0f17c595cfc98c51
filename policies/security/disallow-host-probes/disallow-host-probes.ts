import type { IContainer } from "kubernetes-models/v1/Container";
import { atLeast, generatorFix, perContainer, podPolicy, shown, type PodProblem } from "../lib/pod-security.js";

/** The handlers that can name a host: probes and lifecycle hooks, each by httpGet or (deprecated for hooks) tcpSocket. */
function handlers(container: IContainer): [string, { httpGet?: { host?: string }; tcpSocket?: { host?: string } } | undefined][] {
  return [
    ["livenessProbe", container.livenessProbe],
    ["readinessProbe", container.readinessProbe],
    ["startupProbe", container.startupProbe],
    ["lifecycle.postStart", container.lifecycle?.postStart],
    ["lifecycle.preStop", container.lifecycle?.preStop],
  ];
}

const check = perContainer((c, pod) =>
  handlers(c.container).flatMap(([field, handler]) =>
    (["httpGet", "tcpSocket"] as const).flatMap((action): PodProblem[] => {
      const host = handler?.[action]?.host;
      if (host === undefined || host === "") return [];
      return [
        {
          summary: "probe or lifecycle hook targets another host",
          path: `${c.path}.${field}.${action}.host`,
          problem: `is ${shown(host)}: the kubelet would connect from the node to that address instead of the pod`,
          fix: generatorFix(pod, "remove `host` (the kubelet then targets the pod's own IP)", c),
        },
      ];
    }),
  ),
);

/** Pod Security baseline, "Probes / Lifecycle Hooks host" (check_hostProbesAndhostLifecycle.go), from v1.34. */
export const disallowHostProbes = podPolicy({
  id: "disallow-host-probes",
  description: "no probe or lifecycle hook of a container sets httpGet.host or tcpSocket.host (from Kubernetes 1.34)",
  control: { level: "baseline", name: "Host Probes / Lifecycle Hooks", rule: "Host field is restricted in the probes and lifecycle handlers." },
  check: (pod, context) => (atLeast(context.version, 34) ? check(pod, context) : []),
});
