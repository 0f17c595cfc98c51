import { podPolicy, specFix } from "../lib/pod-security.js";

/** Pod Security baseline, "HostPath Volumes" (check_hostPathVolumes.go). */
export const disallowHostPath = podPolicy({
  id: "disallow-host-path",
  description: "no pod mounts a hostPath volume",
  control: { level: "baseline", name: "HostPath Volumes", rule: "HostPath volumes must be forbidden." },
  check: (pod) =>
    (pod.spec.volumes ?? []).flatMap((volume, i) =>
      volume.hostPath === undefined
        ? []
        : [
            {
              summary: "pod mounts a node directory",
              path: `${pod.path}.volumes[${i}].hostPath`,
              problem: `mounts ${JSON.stringify(volume.hostPath.path)} of the node as volume "${volume.name}"`,
              fix: specFix(pod, `replace volume "${volume.name}" by a \`claim\` (declared under \`claims\`) or an \`emptyDir\` under \`volumes\``),
            },
          ],
    ),
});
