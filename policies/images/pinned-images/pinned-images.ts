import { specField } from "../../availability/workloads.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { ImageReferenceError, containerImages, formatImageReference } from "../reference.js";

/**
 * Tags that name a channel rather than a release: what they point at moves
 * whenever the publisher pushes. Compared case-insensitively; `latest` also
 * counts as one word of a tag (`latest-pg14`, `pg14-latest`).
 */
export const MOVING_TAGS: readonly string[] = [
  "latest",
  "stable",
  "main",
  "master",
  "edge",
  "nightly",
  "dev",
  "develop",
  "development",
  "head",
  "canary",
  "current",
  "rolling",
  "lts",
  "snapshot",
  "unstable",
];

/** Why a tag moves, or undefined when it names a release. */
export function movingTag(tag: string): string | undefined {
  const lower = tag.toLowerCase();
  if (MOVING_TAGS.includes(lower)) return `"${tag}" is a channel that moves with every push`;
  if (lower.split(/[-._]/).includes("latest")) return `"${tag}" follows the latest release of its line`;
  return undefined;
}

/** A moving or missing tag cannot be reviewed or rolled back: the same YAML runs different code tomorrow. */
export const pinnedImages: Policy = {
  id: "pinned-images",
  area: "images",
  severity: "Bug",
  description: "every container image is pinned: a parseable reference with a release tag (not latest nor another moving tag) or a digest",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const { template, at, path, image, reference } of containerImages(cluster)) {
      const { document } = template;
      const where = (field: string): string => specField(document, at.container.name, at.init, field);
      if (reference instanceof ImageReferenceError) {
        findings.push({
          document,
          summary: "image reference cannot be parsed",
          path,
          problem: `is "${image}": ${reference.message}`,
          fix: `set ${where("image")} to a valid registry/repository:tag`,
        });
        continue;
      }
      // A digest pins the content whatever the tag says; the runtime pulls by digest.
      if (reference.digest !== undefined) continue;
      if (reference.tag === undefined) {
        findings.push({
          document,
          summary: "image has no tag",
          path,
          problem: `is "${image}" with neither tag nor digest, so the runtime pulls ${formatImageReference({ ...reference, tag: "latest" })}`,
          fix: `set ${where("image.tag")} to a release version (or pin a digest)`,
        });
        continue;
      }
      const moving = movingTag(reference.tag);
      if (moving !== undefined) {
        findings.push({
          document,
          summary: "image uses a moving tag",
          path,
          problem: `is "${image}": ${moving}, so what runs cannot be reviewed or rolled back`,
          fix: `set ${where("image.tag")} to a release version (or pin a digest)`,
        });
      }
    }
    return findings;
  },
};
