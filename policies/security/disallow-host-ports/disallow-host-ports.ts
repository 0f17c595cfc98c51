import { generatorFix, perContainer, podPolicy, shown } from "../lib/pod-security.js";

/** Pod Security baseline, "Host Ports" (check_hostPorts.go): no known-list exception is configured in this fleet. */
export const disallowHostPorts = podPolicy({
  id: "disallow-host-ports",
  description: "no container port sets a hostPort",
  control: { level: "baseline", name: "Host Ports", rule: "HostPort ports must be forbidden." },
  check: perContainer((c, pod) =>
    (c.container.ports ?? []).flatMap((port, j) =>
      port.hostPort === undefined || port.hostPort === 0
        ? []
        : [
            {
              summary: "container binds a host port",
              path: `${c.path}.ports[${j}].hostPort`,
              problem: `is ${shown(port.hostPort)}: the ${c.label} listens on every node's address and bypasses NetworkPolicies`,
              fix: generatorFix(pod, "remove `hostPort` and reach the port through the component's Service (`service`)", c),
            },
          ],
    ),
  ),
});
