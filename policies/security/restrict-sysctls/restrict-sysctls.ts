import { byCodeUnit } from "../../../generators/order.js";
import { allowedAt, generatorFix, podPolicy, shown } from "../lib/pod-security.js";

/** The "safe" sysctls, by the minor that allowed them (check_sysctls.go: sysctlsAllowedV1Dot0, ...V1Dot27, ...V1Dot29, ...V1Dot32). */
export const SAFE_SYSCTLS: readonly (readonly [number, readonly string[]])[] = [
  [0, ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"]],
  [27, ["net.ipv4.ip_local_reserved_ports"]],
  [29, ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
  [32, ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];

/** Pod Security baseline, "Sysctls" (check_sysctls.go), with the allow-list of the cluster's version. */
export const restrictSysctls = podPolicy({
  id: "restrict-sysctls",
  description: "a pod sets only the safe sysctls of its cluster's Kubernetes version",
  control: {
    level: "baseline",
    name: "Sysctls",
    rule: 'Sysctls can disable security mechanisms or affect all containers on a host, and should be disallowed except for an allowed "safe" subset.',
  },
  check: (pod, { version }) => {
    const allowed = allowedAt(SAFE_SYSCTLS, version);
    return (pod.security.sysctls ?? []).flatMap((sysctl, i) =>
      allowed.has(sysctl.name)
        ? []
        : [
            {
              summary: "pod sets an unsafe sysctl",
              path: `${pod.path}.securityContext.sysctls[${i}].name`,
              problem: `is ${shown(sysctl.name)}, not one of the safe sysctls of Kubernetes v${version.major}.${version.minor} (${[...allowed].sort(byCodeUnit).join(", ")})`,
              fix: generatorFix(pod, `remove sysctl ${shown(sysctl.name)} (set node-level kernel parameters on the node pool instead)`),
            },
          ],
    );
  },
});
