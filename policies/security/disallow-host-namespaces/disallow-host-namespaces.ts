import { generatorFix, podPolicy, shown } from "../lib/pod-security.js";

/** Each host namespace a pod can share, and what the pod then sees. */
const FIELDS = {
  hostNetwork: "the node's network namespace: its interfaces, and every port on them",
  hostPID: "the node's PID namespace: every process on the node",
  hostIPC: "the node's IPC namespace: its shared memory and semaphores",
} as const;

/** Pod Security baseline, "Host Namespaces" (check_hostNamespaces.go). */
export const disallowHostNamespaces = podPolicy({
  id: "disallow-host-namespaces",
  description: "no pod sets hostNetwork, hostPID or hostIPC to true",
  control: { level: "baseline", name: "Host Namespaces", rule: "Sharing the host network, PID, and IPC namespaces must be disallowed." },
  check: (pod) =>
    (Object.keys(FIELDS) as (keyof typeof FIELDS)[])
      .filter((field) => pod.spec[field] === true)
      .map((field) => ({
        summary: "pod shares a host namespace",
        path: `${pod.path}.${field}`,
        problem: `is ${shown(true)}: the pod shares ${FIELDS[field]}`,
        fix: generatorFix(pod, `remove \`${field}\``),
      })),
});
