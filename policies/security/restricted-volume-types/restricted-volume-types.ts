import { podPolicy, specFix } from "../lib/pod-security.js";

/** Inline volume sources the restricted profile allows (check_restrictedVolumes.go; `image` since v1.33, in the v1.0 check). */
export const ALLOWED_VOLUME_SOURCES: readonly string[] = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

/**
 * Pod Security restricted, "Volume Types". A hostPath volume is left to
 * security/disallow-host-path, so one volume gives one diagnostic.
 */
export const restrictedVolumeTypes = podPolicy({
  id: "restricted-volume-types",
  description: `every pod volume is one of ${ALLOWED_VOLUME_SOURCES.join(", ")}`,
  control: {
    level: "restricted",
    name: "Volume Types",
    rule: `In addition to restricting HostPath volumes, the restricted profile limits usage of inline pod volume sources to: ${ALLOWED_VOLUME_SOURCES.join(", ")}.`,
  },
  check: (pod) =>
    (pod.spec.volumes ?? []).flatMap((volume, i) => {
      const sources = Object.keys(volume).filter((key) => key !== "name");
      if (sources.some((s) => ALLOWED_VOLUME_SOURCES.includes(s)) || sources.includes("hostPath")) return [];
      const source = sources[0];
      return [
        {
          summary: "pod uses a restricted volume type",
          path: source === undefined ? `${pod.path}.volumes[${i}]` : `${pod.path}.volumes[${i}].${source}`,
          problem: source === undefined ? `(volume "${volume.name}") names no volume source` : `is the source of volume "${volume.name}", and ${source} is not an allowed volume type`,
          fix: specFix(pod, `replace volume "${volume.name}" by a \`claim\` (a PersistentVolumeClaim declared under \`claims\`), \`configMap\`, \`secret\` or \`emptyDir\` under \`volumes\``),
        },
      ];
    }),
});
