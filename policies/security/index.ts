import type { Policy } from "../lib/types.js";
import { disallowHostNamespaces } from "./disallow-host-namespaces/disallow-host-namespaces.js";
import { disallowHostPath } from "./disallow-host-path/disallow-host-path.js";
import { disallowHostPorts } from "./disallow-host-ports/disallow-host-ports.js";
import { disallowHostProbes } from "./disallow-host-probes/disallow-host-probes.js";
import { disallowHostProcess } from "./disallow-host-process/disallow-host-process.js";
import { disallowPrivilegeEscalation } from "./disallow-privilege-escalation/disallow-privilege-escalation.js";
import { disallowPrivileged } from "./disallow-privileged/disallow-privileged.js";
import { disallowRunAsRootUser } from "./disallow-run-as-root-user/disallow-run-as-root-user.js";
import { namespacePodSecurity } from "./namespace-pod-security/namespace-pod-security.js";
import { platformPodSecurity } from "./platform-pod-security/platform-pod-security.js";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem/read-only-root-filesystem.js";
import { requireRunAsNonRoot } from "./require-run-as-non-root/require-run-as-non-root.js";
import { restrictApparmor } from "./restrict-apparmor/restrict-apparmor.js";
import { restrictCapabilities } from "./restrict-capabilities/restrict-capabilities.js";
import { restrictProcMount } from "./restrict-proc-mount/restrict-proc-mount.js";
import { restrictSeccomp } from "./restrict-seccomp/restrict-seccomp.js";
import { restrictSelinux } from "./restrict-selinux/restrict-selinux.js";
import { restrictSysctls } from "./restrict-sysctls/restrict-sysctls.js";
import { restrictedVolumeTypes } from "./restricted-volume-types/restricted-volume-types.js";
import { serviceAccountToken } from "./service-account-token/service-account-token.js";

/**
 * The security policies, one folder each: every control of Pod Security
 * "restricted" (baseline included) at the fleet's Kubernetes version, plus the
 * fleet's read-only root filesystem, token and namespace-label rules.
 */
export const SECURITY_POLICIES: readonly Policy[] = [
  // Pod Security baseline
  disallowHostProcess,
  disallowHostNamespaces,
  disallowPrivileged,
  disallowHostPath,
  disallowHostPorts,
  restrictApparmor,
  restrictSelinux,
  restrictProcMount,
  restrictSysctls,
  disallowHostProbes,
  // Pod Security restricted
  restrictedVolumeTypes,
  disallowPrivilegeEscalation,
  requireRunAsNonRoot,
  disallowRunAsRootUser,
  restrictSeccomp,
  restrictCapabilities,
  // Fleet rules
  readOnlyRootFilesystem,
  serviceAccountToken,
  namespacePodSecurity,
  platformPodSecurity,
];
