import { perContainer, podPolicy, shown, specFix } from "../lib/pod-security.js";

const check = perContainer((c, pod) => {
  const value = c.security.readOnlyRootFilesystem;
  if (value === true) return [];
  return [
    {
      summary: "container root filesystem is writable",
      path: `${c.path}.securityContext.readOnlyRootFilesystem`,
      problem: value === undefined ? "is not set, so the root filesystem is writable" : `is ${shown(value)}; it must be \`true\``,
      fix: specFix(
        pod,
        "remove the opt-out `security.readOnlyRootFilesystem: false` (or the hand edit) and give every path the container writes a size-limited `emptyDir` under `volumes` and `mounts`",
        c,
      ),
    },
  ];
});

/** A fleet rule on top of Pod Security (DESIGN: "secure by default"); Windows pods cannot set the field. */
export const readOnlyRootFilesystem = podPolicy({
  id: "read-only-root-filesystem",
  description: "every container of a Linux pod sets securityContext.readOnlyRootFilesystem: true",
  control: {
    level: "house",
    name: "Read-only root filesystem",
    rule: "Every container runs with a read-only root filesystem; writable paths are size-limited emptyDir volumes.",
  },
  check: (pod, context) => (pod.windows ? [] : check(pod, context)),
});
